namespace Diamol.Build.DockerfileSyntax;

/// <summary>The signals STOPSIGNAL accepts, as the engine checks them: a positive number, or a Linux signal name with or without SIG, any case.</summary>
internal static class StopSignal
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL", "PIPE", "POLL", "PROF", "PWR",
        "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH",
        "XCPU", "XFSZ", "RTMIN", "RTMAX",
    };

    public static bool IsValid(string signal)
    {
        if (int.TryParse(signal, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int number)) return number > 0;
        string name = signal.ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal)) name = name[3..];
        if (Names.Contains(name)) return true;
        // RTMIN+1..RTMIN+15 and RTMAX-14..RTMAX-1.
        foreach (var (prefix, sign) in new[] { ("RTMIN+", '+'), ("RTMAX-", '-') })
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(name[prefix.Length..], out int offset) && offset >= 1 && offset <= (sign == '-' ? 14 : 15))
            {
                return true;
            }
        }

        return false;
    }
}
