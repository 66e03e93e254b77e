using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Diamol.Build.Common;

/// <summary>
/// sha256 content digests as OCI writes them: <c>sha256:</c> and 64 lowercase hex digits; and the bare lowercase hex
/// of a SHA-256 where a name or a key is made of one. The one place that spells either.
/// </summary>
internal static partial class ContentDigest
{
    public const string Prefix = "sha256:";

    [GeneratedRegex("^sha256:[a-f0-9]{64}$")]
    private static partial Regex Sha256Pattern();

    public static bool IsSha256(string value) => Sha256Pattern().IsMatch(value);

    /// <summary>True for a manifest reference that is a digest rather than a tag.</summary>
    public static bool IsDigestReference(string reference) => reference.Contains(':');

    public static string Of(ReadOnlySpan<byte> content) => Prefix + Hex(SHA256.HashData(content));

    public static string Of(IncrementalHash hash) => Prefix + Hex(hash.GetHashAndReset());

    /// <summary>The digest of a stream's bytes from its position to its end.</summary>
    public static string Of(Stream content) => Prefix + Hex(SHA256.HashData(content));

    /// <summary>A digest's hex digits, without <c>sha256:</c>: the name a blob has in a blob folder.</summary>
    public static string HexOf(string digest) => digest[Prefix.Length..];

    /// <summary>An engine's image id as hex alone: without <c>sha256:</c> when it has it, as it is when not.</summary>
    public static string WithoutPrefix(string id) => id.StartsWith(Prefix, StringComparison.Ordinal) ? id[Prefix.Length..] : id;

    /// <summary>The lowercase hex of the SHA-256 of a text's UTF-8 bytes (keys and folder names made of a hash).</summary>
    public static string HashOfText(string text) => Hex(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Hash bytes as lowercase hex.</summary>
    public static string Hex(ReadOnlySpan<byte> hash) => Convert.ToHexString(hash).ToLowerInvariant();
}
