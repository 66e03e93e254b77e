using Diamol.Build.Diagnostics;

namespace Diamol.Build.Registry;

/// <summary>
/// A failure worth another try (a broken connection, a time-out, 408, 429, 502, 503, 504), carrying the coded error
/// to report if the tries run out. Never escapes <see cref="RegistryRetrier.RunAsync"/>.
/// </summary>
internal sealed class TransientRegistryFailure(DiamolException failure, string reason, TimeSpan? retryAfter) : Exception(failure.Message, failure)
{
    public DiamolException Failure { get; } = failure;

    /// <summary>Why, in a few words, for the log ("503 ServiceUnavailable", "the connection broke (...)").</summary>
    public string Reason { get; } = reason;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Runs one registry exchange under a <see cref="RetryPolicy"/>: a try that ends in a <see cref="TransientRegistryFailure"/>
/// is logged (what, why, how long until the next) and tried again after the policy's wait; when the policy gives
/// up, the last failure is thrown with the number of tries made. Any other outcome ends the exchange at once.
/// </summary>
internal sealed class RegistryRetrier(RetryPolicy policy, Action<string>? log)
{
    public async Task<T> RunAsync<T>(string what, Func<Task<T>> attempt, CancellationToken ct)
    {
        int tries = 0;
        var waited = TimeSpan.Zero;
        while (true)
        {
            tries++;
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (TransientRegistryFailure e)
            {
                var wait = policy.NextDelay(tries, waited, e.RetryAfter, Random.Shared.NextDouble());
                if (wait is not { } delay) throw GaveUp(e.Failure, tries, waited);
                log?.Invoke($"The registry failed {what} ({e.Reason}); trying again in {delay.TotalSeconds:0.##} s (try {tries + 1} of at most {policy.MaxTries})"
                    + (e.RetryAfter is not null ? ", as its Retry-After asks" : ""));
                await Task.Delay(delay, ct).ConfigureAwait(false);
                waited += delay;
            }
        }
    }

    private DiamolException GaveUp(DiamolException failure, int tries, TimeSpan waited) =>
        tries == 1
            ? failure
            : new DiamolException(failure.Code,
                $"{failure.Message} Diamol.Build tried {tries} times over {waited.TotalSeconds:0.#} s of waiting (DiamolRegistryRetries sets how many tries, now {policy.MaxTries}).",
                failure.InnerException);
}
