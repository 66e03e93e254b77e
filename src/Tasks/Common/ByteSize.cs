using System.Globalization;

namespace Diamol.Build.Common;

/// <summary>A number of bytes as the logs and the history artifacts show it: decimal units (kB, MB, GB), invariant culture.</summary>
internal static class ByteSize
{
    public static string Format(long bytes) => bytes switch
    {
        < 1000 => $"{bytes} B",
        < 1000 * 1000 => (bytes / 1000.0).ToString("0.#", CultureInfo.InvariantCulture) + " kB",
        < 1000L * 1000 * 1000 => (bytes / 1000.0 / 1000).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / 1000.0 / 1000 / 1000).ToString("0.##", CultureInfo.InvariantCulture) + " GB",
    };
}
