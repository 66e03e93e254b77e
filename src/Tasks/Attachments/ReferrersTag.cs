using System.Text.RegularExpressions;

namespace Diamol.Build.Attachments;

/// <summary>
/// The distribution spec's referrers tag schema: where a registry without the referrers API keeps the referrers list of
/// a digest, as an index under the tag <c>&lt;algorithm&gt;-&lt;encoded&gt;</c> (sha256-&lt;hex&gt; for our digests).
/// </summary>
internal static partial class ReferrersTag
{
    /// <summary>The algorithm cut to 32 characters, '-', the encoded part cut to 64, any character a tag cannot hold made '-'.</summary>
    public static string For(string digest)
    {
        int colon = digest.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) throw new ArgumentException($"'{digest}' is not a content digest.", nameof(digest));
        string algorithm = digest[..colon];
        string encoded = digest[(colon + 1)..];
        return NotInTag().Replace(algorithm[..Math.Min(32, algorithm.Length)] + "-" + encoded[..Math.Min(64, encoded.Length)], "-");
    }

    // A tag is [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}.
    [GeneratedRegex("[^a-zA-Z0-9._-]")]
    private static partial Regex NotInTag();
}
