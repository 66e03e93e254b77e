namespace Diamol.Build.Common;

/// <summary>An image id or digest as a person reads it in a log line: "sha256:" and 12 hex digits, as `docker images` shortens it.</summary>
internal static class ShortId
{
    public static string Of(string id) => id.Length > 19 ? id[..19] : id;
}
