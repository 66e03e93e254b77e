using System.Globalization;
using System.Text.RegularExpressions;

namespace Diamol.Build.Spec;

/// <summary>
/// The ports ASP.NET Core will listen on, read from the environment the way the SDK's container tooling reads
/// them: ASPNETCORE_URLS when set (and then nothing else), otherwise ASPNETCORE_HTTP_PORTS and ASPNETCORE_HTTPS_PORTS.
/// </summary>
internal static partial class PortInference
{
    [GeneratedRegex(@"(?<scheme>\w+)://(?<domain>([*+]|).+):(?<port>\d+)")]
    private static partial Regex UrlPattern();

    public static IEnumerable<ContainerPort> FromEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        if (environment.TryGetValue("ASPNETCORE_URLS", out string? urls))
        {
            foreach (string url in Split(urls))
            {
                var match = UrlPattern().Match(url);
                if (match.Success && TryPort(match.Groups["port"].Value, out int port)) yield return new ContainerPort(port, "tcp");
            }

            yield break;
        }

        foreach (string name in new[] { "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS" })
        {
            if (!environment.TryGetValue(name, out string? ports)) continue;
            foreach (string entry in Split(ports))
            {
                if (TryPort(entry, out int port)) yield return new ContainerPort(port, "tcp");
            }
        }
    }

    private static string[] Split(string value) =>
        value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    // Docker accepts 1-65535; a number outside that range could not be exposed anyway.
    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
}
