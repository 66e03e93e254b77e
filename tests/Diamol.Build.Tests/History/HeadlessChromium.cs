using System.Diagnostics;
using System.Text.Json;

namespace Diamol.Build.Tests.History;

/// <summary>What one headless Chromium run printed (the DOM with --dump-dom) and logged: its console, and what the page asked the network for.</summary>
internal sealed record ChromiumRun(string Output, string Error, IReadOnlyList<string> PageRequests)
{
    /// <summary>The page's console: with --enable-logging=stderr Chromium logs every message, error or not, as "INFO:CONSOLE".</summary>
    public IReadOnlyList<string> ConsoleLines => Error.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToArray();

    /// <summary>
    /// URLs the page asked the network for, from a --log-net-log file: URL request jobs whose isolation key is the
    /// file:// page. Chromium's own background requests (updates, accounts) are keyed otherwise. A test proves this
    /// sees a page that fetches.
    /// </summary>
    public static IReadOnlyList<string> RequestsOfFilePages(string netLog)
    {
        using var log = JsonDocument.Parse(File.ReadAllText(netLog));
        int startJob = log.RootElement.GetProperty("constants").GetProperty("logEventTypes").GetProperty("URL_REQUEST_START_JOB").GetInt32();
        return log.RootElement.GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("type").GetInt32() == startJob && e.TryGetProperty("params", out var p)
                && p.TryGetProperty("network_isolation_key", out var key) && key.GetString()!.StartsWith("file://", StringComparison.Ordinal))
            .Select(e => e.GetProperty("params").GetProperty("url").GetString()!)
            .Where(url => !url.StartsWith("file:", StringComparison.Ordinal))
            .ToArray();
    }
}

/// <summary>
/// Runs the Debian `chromium` headless on a page, with the network cut off (every host name resolves to nothing) and
/// logged, so a page that tried to load anything shows in <see cref="ChromiumRun.PageRequests"/> and cannot succeed.
/// Each run has a profile of its own, removed afterwards.
/// eng/provision.sh installs it; under CI a missing browser is a failure, elsewhere the test is inconclusive.
/// </summary>
internal static class HeadlessChromium
{
    public static string Require()
    {
        string? found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "chromium")).FirstOrDefault(File.Exists);
        if (found is not null) return found;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail("chromium is not on PATH; eng/provision.sh installs it and CI runs that first");
        }

        Assert.Inconclusive("chromium is not installed (eng/provision.sh installs it)");
        return "";
    }

    public static ChromiumRun Run(string page, params string[] arguments)
    {
        string chromium = Require();
        string scratch = Directory.CreateTempSubdirectory("diamol-chromium-").FullName;
        string netLog = Path.Combine(scratch, "net-log.json");
        var start = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-quic", "--enable-logging=stderr", "--v=0",
                     "--host-resolver-rules=MAP * ~NOTFOUND", "--log-net-log=" + netLog, "--user-data-dir=" + Path.Combine(scratch, "profile"),
                     .. arguments, page])
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("chromium did not finish in two minutes: " + string.Join(' ', start.ArgumentList));
            }

            Assert.AreEqual(0, process.ExitCode, "chromium failed:\n" + error.Result);
            return new ChromiumRun(output.Result, error.Result, ChromiumRun.RequestsOfFilePages(netLog));
        }
        finally
        {
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (IOException)
            {
                // A helper process of the browser may still be closing its files; the scratch folder is under temp.
            }
        }
    }
}
