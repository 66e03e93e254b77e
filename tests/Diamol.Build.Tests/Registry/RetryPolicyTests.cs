using System.Net;
using Diamol.Build.Diagnostics;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Registry;

[TestClass]
public sealed class RetryPolicyTests
{
    [TestMethod]
    public void Only_statuses_that_mean_later_are_transient()
    {
        foreach (var status in new[] { HttpStatusCode.RequestTimeout, HttpStatusCode.TooManyRequests, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout })
        {
            Assert.IsTrue(RetryPolicy.IsTransient(status), status.ToString());
        }

        var statuses = new[]
        {
            HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed,
            HttpStatusCode.InternalServerError,
        };
        foreach (var status in statuses)
        {
            Assert.IsFalse(RetryPolicy.IsTransient(status), status.ToString());
        }
    }

    [TestMethod]
    public void Backoff_doubles_with_jitter_and_stops_at_the_tries()
    {
        var policy = RetryPolicy.Default with { MaxTries = 4, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(3) };

        Assert.AreEqual(TimeSpan.FromSeconds(0.5), policy.NextDelay(1, TimeSpan.Zero, null, 0));
        Assert.AreEqual(2000, Math.Round(policy.NextDelay(2, TimeSpan.Zero, null, 0.999999)!.Value.TotalMilliseconds));
        Assert.AreEqual(3000, Math.Round(policy.NextDelay(3, TimeSpan.Zero, null, 0.999999)!.Value.TotalMilliseconds), "capped at MaxDelay");
        Assert.IsNull(policy.NextDelay(4, TimeSpan.Zero, null, 0), "four tries made of four");
    }

    [TestMethod]
    public void Retry_after_is_honoured_and_capped()
    {
        var policy = RetryPolicy.Default with { MaxRetryAfter = TimeSpan.FromSeconds(10) };

        Assert.AreEqual(TimeSpan.FromSeconds(3), policy.NextDelay(1, TimeSpan.Zero, TimeSpan.FromSeconds(3), 0.7));
        Assert.AreEqual(TimeSpan.FromSeconds(10), policy.NextDelay(1, TimeSpan.Zero, TimeSpan.FromHours(1), 0.7));
    }

    [TestMethod]
    public void Waiting_past_the_total_gives_up()
    {
        var policy = RetryPolicy.Default with { MaxTotal = TimeSpan.FromSeconds(5) };

        Assert.IsNull(policy.NextDelay(2, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(2), 0));
        Assert.AreEqual(TimeSpan.FromSeconds(1), policy.NextDelay(2, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1), 0));
    }

    [TestMethod]
    public void Retry_after_is_read_as_seconds_or_a_date()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.TryAddWithoutValidation("Retry-After", "7");
        var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        date.Headers.TryAddWithoutValidation("Retry-After", now.AddSeconds(30).ToString("r"));

        Assert.AreEqual(TimeSpan.FromSeconds(7), RetryPolicy.RetryAfter(seconds, now));
        Assert.AreEqual(TimeSpan.FromSeconds(30), RetryPolicy.RetryAfter(date, now));
        Assert.IsNull(RetryPolicy.RetryAfter(new HttpResponseMessage(HttpStatusCode.TooManyRequests), now));
    }

    [TestMethod]
    public void DiamolRegistryRetries_is_a_number_of_tries_or_refused()
    {
        Assert.AreEqual(RetryPolicy.DefaultTries, RetryPolicy.Parse("").MaxTries);
        Assert.AreEqual(1, RetryPolicy.Parse("1").MaxTries);
        Assert.AreEqual(12, RetryPolicy.Parse(" 12 ").MaxTries);
        foreach (string bad in new[] { "0", "21", "-1", "three", "2.5" })
        {
            var e = Assert.ThrowsExactly<DiamolException>(() => RetryPolicy.Parse(bad), bad);
            Assert.AreEqual(DiagnosticCode.DIAM3021, e.Code);
            StringAssert.Contains(e.Message, $"DiamolRegistryRetries has the value '{bad}'");
        }
    }
}
