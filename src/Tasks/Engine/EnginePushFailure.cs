namespace Diamol.Build.Engine;

/// <summary>What kind of failure a push through the engine met, which decides the advice.</summary>
internal enum EnginePushFailureKind
{
    /// <summary>The registry wants a (different) login, or the login may not push there.</summary>
    Authentication,

    /// <summary>The engine could not reach the registry: refused, reset, name not found, TLS, time-out.</summary>
    Network,

    /// <summary>The registry answered with an error of its own (a 5xx, or anything not recognised above).</summary>
    Server,
}

/// <summary>
/// Sorts the engine's push error text (the registry's answer as the engine words it, for example
/// "unauthorized: authentication required", "received unexpected HTTP status: 500 Internal Server Error",
/// "dial tcp 127.0.0.1:5001: connect: connection refused") so the message gives the right advice.
/// </summary>
internal static class EnginePushFailure
{
    private static readonly string[] AuthenticationMarks =
        ["unauthorized", "authentication required", "denied", "forbidden", "no basic auth credentials", "incorrect username or password", "401", "403"];

    private static readonly string[] NetworkMarks =
        ["connection refused", "connection reset", "no such host", "i/o timeout", "timeout", "eof", "tls:", "x509:", "network is unreachable", "dial tcp", "broken pipe"];

    public static EnginePushFailureKind Classify(string reason)
    {
        string text = reason.ToLowerInvariant();
        // A server error names its status; check it first, because its text may also contain "denied" or "timeout".
        if (System.Text.RegularExpressions.Regex.IsMatch(text, @"\b5\d\d\b")) return EnginePushFailureKind.Server;
        if (AuthenticationMarks.Any(text.Contains)) return EnginePushFailureKind.Authentication;
        if (NetworkMarks.Any(text.Contains)) return EnginePushFailureKind.Network;
        return EnginePushFailureKind.Server;
    }
}
