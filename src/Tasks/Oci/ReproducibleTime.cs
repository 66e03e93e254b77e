using System.Globalization;

namespace Diamol.Build.Oci;

/// <summary>
/// The one timestamp an OCI-written image carries (file mtimes, the config's created time, the created label), so two
/// builds of the same inputs give the same digest: SOURCE_DATE_EPOCH when set (the reproducible-builds convention,
/// seconds since 1970), else a fixed epoch.
/// </summary>
internal static class ReproducibleTime
{
    /// <summary>The fixed epoch: 1970-01-01T00:00:01Z (one second past zero, which some tools read as "no time").</summary>
    public static readonly DateTimeOffset Fixed = DateTimeOffset.FromUnixTimeSeconds(1);

    /// <summary>The variable reproducible builds set to the time every artifact is to carry (reproducible-builds.org).</summary>
    public const string Variable = "SOURCE_DATE_EPOCH";

    public static DateTimeOffset From(string? sourceDateEpoch)
    {
        if (string.IsNullOrWhiteSpace(sourceDateEpoch)) return Fixed;
        if (long.TryParse(sourceDateEpoch.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) && seconds <= 253402300799)
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM1015,
            $"SOURCE_DATE_EPOCH has the value '{sourceDateEpoch}', which is not a number of seconds since 1970. " +
            "Set it to a Unix time (for example `git log -1 --format=%ct`), or unset it for the fixed epoch.");
    }

    /// <summary>RFC 3339 as image configs write it.</summary>
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
