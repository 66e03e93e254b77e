using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Diamol.Build.Registry;

/// <summary>sha256 content digests as OCI writes them: <c>sha256:</c> and 64 lowercase hex digits.</summary>
internal static partial class ContentDigest
{
    public const string Prefix = "sha256:";

    [GeneratedRegex("^sha256:[a-f0-9]{64}$")]
    private static partial Regex Sha256Pattern();

    public static bool IsSha256(string value) => Sha256Pattern().IsMatch(value);

    /// <summary>True for a manifest reference that is a digest rather than a tag.</summary>
    public static bool IsDigestReference(string reference) => reference.Contains(':');

    public static string Of(ReadOnlySpan<byte> content) => Prefix + Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();

    public static string Of(IncrementalHash hash) => Prefix + Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
}
