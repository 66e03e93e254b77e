using System.Net;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Registry;

/// <summary>The retrying half of the client: which failures of one request are passing ones, and the retried send.</summary>
internal sealed partial class RegistryClient
{
    /// <summary>How often and how long a failing exchange is tried again (DiamolRegistryRetries).</summary>
    public RetryPolicy Retries { get; init; } = RetryPolicy.Default;

    /// <summary>Where retries and upload fallbacks are told (normal verbosity); null to say nothing.</summary>
    public Action<string>? Log { get; init; }

    private RegistryRetrier Retrier => new(Retries, Log);

    /// <summary>
    /// Sends a request that may be repeated as it is (GET, HEAD, a manifest PUT, a mount): a passing failure is
    /// retried under <see cref="Retries"/>.
    /// </summary>
    private Task<HttpResponseMessage> SendRetriedAsync(RegistryRequest request, CancellationToken ct) =>
        Retrier.RunAsync(request.Description, () => AttemptAsync(request, ct), ct);

    /// <summary>
    /// One try of a request: a network failure or a status that means "later" becomes a
    /// <see cref="TransientRegistryFailure"/> for the retry around it; every other answer is returned.
    /// </summary>
    private async Task<HttpResponseMessage> AttemptAsync(RegistryRequest request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (DiamolException e) when (e.Code == DiagnosticCode.DIAM3010)
        {
            throw Transient(e);
        }

        if (!RetryPolicy.IsTransient(response.StatusCode)) return response;
        var retryAfter = RetryPolicy.RetryAfter(response, DateTimeOffset.UtcNow);
        var status = response.StatusCode;
        var errors = await RegistryErrorBody.ReadAsync(response, ct).ConfigureAwait(false);
        response.Dispose();
        throw new TransientRegistryFailure(RegistryFailures.ServerFault(Registry, request.Repository, request.Description, status, errors.Summary),
            $"{(int)status} {status}", retryAfter);
    }

    /// <summary>A network failure (DIAM3010) as a passing one.</summary>
    private static TransientRegistryFailure Transient(DiamolException network) =>
        new(network, network.Data[RegistryFailures.ReasonKey] as string ?? "the network failed", null);
}
