// WebPing: the C# port of the seed's web-ping app. It sends a METHOD request to TARGET every INTERVAL
// milliseconds and logs the status and how long it took. The settings come from the environment, so the
// image's ENV defaults apply unless `docker run -e NAME=value` overrides them.
using System.Diagnostics;
using System.Globalization;

string target = Setting("TARGET", "blog.sixeyed.com");
string method = Setting("METHOD", "HEAD").ToUpperInvariant();
int interval = int.TryParse(Setting("INTERVAL", "3000"), NumberStyles.None, CultureInfo.InvariantCulture, out int ms) && ms > 0 ? ms : 3000;
int? pings = int.TryParse(Environment.GetEnvironmentVariable("PINGS"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : null;

var url = target.Contains("://", StringComparison.Ordinal) ? new Uri(target) : new Uri("http://" + target);
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

Console.WriteLine($"** Pinging: {target}; method: {method}; {interval}ms intervals" + (pings is { } count ? $"; {count} pings" : ""));

for (int i = 1; !stop.IsCancellationRequested && (pings is null || i <= pings); i++)
{
    var clock = Stopwatch.StartNew();
    try
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        using var response = await http.SendAsync(request, stop.Token);
        Console.WriteLine($"Got response status: {(int)response.StatusCode} at {DateTime.UtcNow:O}; duration: {clock.ElapsedMilliseconds}ms");
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
    {
        // A failed request is part of what a pinger reports, not a reason to stop.
        Console.WriteLine($"Request failed: {e.Message} at {DateTime.UtcNow:O}; duration: {clock.ElapsedMilliseconds}ms");
    }

    if (pings is null || i < pings)
    {
        try { await Task.Delay(interval, stop.Token); } catch (TaskCanceledException) { }
    }
}

static string Setting(string name, string fallback) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
