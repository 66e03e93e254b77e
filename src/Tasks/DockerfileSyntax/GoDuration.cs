using System.Globalization;

namespace Diamol.Build.DockerfileSyntax;

/// <summary>Go's duration syntax (<c>1m30s</c>, <c>1.5h</c>, <c>300ms</c>), which HEALTHCHECK options use, to nanoseconds.</summary>
internal static class GoDuration
{
    private static readonly (string Unit, double Nanoseconds)[] Units =
    [
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
    ];

    public static long Parse(string text)
    {
        string rest = text;
        int sign = 1;
        if (rest.StartsWith('-') || rest.StartsWith('+'))
        {
            sign = rest[0] == '-' ? -1 : 1;
            rest = rest[1..];
        }

        if (rest == "0") return 0;
        if (rest.Length == 0) throw Invalid(text);
        double total = 0;
        while (rest.Length > 0)
        {
            int digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.')) digits++;
            if (digits == 0 || !double.TryParse(rest[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number)) throw Invalid(text);
            rest = rest[digits..];
            // Longest unit first, so "ms" is not read as "m".
            var unit = Units.Where(u => rest.StartsWith(u.Unit, StringComparison.Ordinal)).OrderByDescending(u => u.Unit.Length).FirstOrDefault();
            if (unit.Unit is null) throw new FormatException($"time: missing unit in duration \"{text}\"");
            total += number * unit.Nanoseconds;
            rest = rest[unit.Unit.Length..];
        }

        return sign * (long)Math.Round(total);
    }

    private static FormatException Invalid(string text) => new($"time: invalid duration \"{text}\"");
}
