using Diamol.Build.Diagnostics;

namespace Diamol.Build.Sbom;

/// <summary>The SBOM formats a publish writes, as DiamolSbom names them.</summary>
internal sealed record SbomFormats(bool Spdx, bool CycloneDx)
{
    public static readonly SbomFormats Both = new(true, true);

    public bool Any => Spdx || CycloneDx;

    /// <summary>
    /// DiamolSbom: empty or true for both, false for none, else a list of spdx and cyclonedx (';' or ',' between,
    /// any case). Anything else is refused (DIAM1025): a misspelt format would otherwise silently write no SBOM.
    /// </summary>
    public static SbomFormats Parse(string? value)
    {
        string text = value?.Trim() ?? "";
        if (text.Length == 0 || text.Equals("true", StringComparison.OrdinalIgnoreCase)) return Both;
        if (text.Equals("false", StringComparison.OrdinalIgnoreCase)) return new(false, false);
        bool spdx = false, cdx = false;
        foreach (string part in text.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Equals("spdx", StringComparison.OrdinalIgnoreCase)) spdx = true;
            else if (part.Equals("cyclonedx", StringComparison.OrdinalIgnoreCase)) cdx = true;
            else
            {
                throw new DiamolException(DiagnosticCode.DIAM1025,
                    $"DiamolSbom has the value '{value}', and '{part}' is no SBOM format. Use spdx, cyclonedx or both (`spdx;cyclonedx`, the default), " +
                    "or false to write no SBOM.");
            }
        }

        return new(spdx, cdx);
    }
}
