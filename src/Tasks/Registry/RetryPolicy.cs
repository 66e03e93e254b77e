using System.Net;

namespace Diamol.Build.Registry;

/// <summary>
/// When a registry exchange that failed for a passing reason is tried again, and after how long: connection
/// failures, resets and time-outs, 408, 429, 502, 503 and 504 are retried with exponential backoff and jitter,
/// honouring <c>Retry-After</c> (capped), up to <see cref="MaxTries"/> tries and <see cref="MaxTotal"/> of waiting.
/// Every other answer is final (a 401 is the authenticator's, other 4xx are the request's fault).
/// </summary>
internal sealed record RetryPolicy
{
    /// <summary>DiamolRegistryRetries' default: the first try and four more.</summary>
    public const int DefaultTries = 5;

    public static readonly RetryPolicy Default = new();

    /// <summary>One try and no waiting: the behaviour before retries, for callers that must not wait.</summary>
    public static readonly RetryPolicy None = new() { MaxTries = 1 };

    /// <summary>How many times one exchange is tried in all (1 = no retry).</summary>
    public int MaxTries { get; init; } = DefaultTries;

    /// <summary>The wait before the second try; it doubles with each further try, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A <c>Retry-After</c> longer than this is cut to it: a registry may not park a build for an hour.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The most time spent waiting between the tries of one exchange.</summary>
    public TimeSpan MaxTotal { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Statuses that say "later", not "never".</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>
    /// The wait before the next try after <paramref name="triesMade"/> tries that have waited
    /// <paramref name="waited"/> so far, or null to give up. <paramref name="jitter"/> is in [0, 1).
    /// </summary>
    public TimeSpan? NextDelay(int triesMade, TimeSpan waited, TimeSpan? retryAfter, double jitter)
    {
        if (triesMade >= MaxTries) return null;
        TimeSpan delay;
        if (retryAfter is { } asked)
        {
            delay = asked < TimeSpan.Zero ? TimeSpan.Zero : asked > MaxRetryAfter ? MaxRetryAfter : asked;
        }
        else
        {
            // Full jitter between half and all of the backoff: clients that failed together do not retry together.
            double backoff = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, triesMade - 1));
            delay = TimeSpan.FromMilliseconds(backoff * (0.5 + jitter / 2));
        }

        return waited + delay > MaxTotal ? null : delay;
    }

    /// <summary><c>Retry-After</c> as seconds or an HTTP date, relative to <paramref name="now"/>.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => null,
        };

    /// <summary>DiamolRegistryRetries: the number of tries, 1 to 20; empty for the default.</summary>
    public static RetryPolicy Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return Default;
        return int.TryParse(value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int tries) && tries is >= 1 and <= 20
            ? Default with { MaxTries = tries }
            : throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM3021,
                $"DiamolRegistryRetries has the value '{value}', which is not valid: give how many times a registry exchange is tried in all " +
                $"(1 to 20; 1 means no retry), or leave it empty for {DefaultTries}.");
    }
}
