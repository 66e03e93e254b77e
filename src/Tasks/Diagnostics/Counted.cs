namespace Diamol.Build.Diagnostics;

/// <summary>A count with its noun in the right number, for every message and record people read: "1 file", "3 files".</summary>
internal static class Counted
{
    public static string Of(long count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
