using System.Net.Http;
using System.Security.Authentication;
using Diamol.Build.Common;

namespace Diamol.Build.Registry;

/// <summary>
/// Sends one HTTP request with the client's idle time-out, and turns what the network does wrong (refused, reset,
/// DNS, TLS, time-out) into DIAM3010. The caller's own cancellation passes through untouched.
/// </summary>
internal sealed class RegistryTransport
{
    private readonly HttpClient _http;
    private readonly string _registry;

    public RegistryTransport(HttpClient http, string registry, TimeSpan timeout)
    {
        _http = http;
        _registry = registry;
        Timeout = timeout;
    }

    public TimeSpan Timeout { get; }

    public async Task<HttpResponseMessage> SendAsync(Func<Action, HttpRequestMessage> build, string repository, string description, bool streamResponse, CancellationToken ct)
    {
        using var timeout = new IdleTimeout(Timeout, ct);
        var message = build(timeout.Restart);
        try
        {
            // Headers first, always: HttpClient's own buffering reads up to 2 GB before any limit of ours applies.
            var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (streamResponse && response.IsSuccessStatusCode) return response;
            // A HEAD has no body: its Content-Length is the size of the blob or manifest it asks about, not an answer to bound.
            if (message.Method == HttpMethod.Head) return response;
            // Answers read whole (manifests, token answers, error bodies) are bounded while they are read.
            return await BoundedAnswer.BufferAsync(response, BoundedAnswer.Limit, dropOverLimit: !response.IsSuccessStatusCode,
                    (body, buffer) => ReadAsync(body, buffer, timeout, repository, description, ct), ct).ConfigureAwait(false)
                ?? throw RegistryFailures.ProtocolBreak(_registry, repository, description,
                    $"the answer is larger than {BoundedAnswer.Limit} bytes, the limit for a manifest or token answer, so it was not read further");
        }
        catch (Exception e) when (MismatchIn(e) is { } mismatch)
        {
            // A request body that turned out not to be its blob is no network fault: the caller repairs the blob.
            throw mismatch;
        }
        catch (Exception e) when (Network(e, ct) is { } reason)
        {
            throw RegistryFailures.Unreachable(_registry, repository, description, reason, e);
        }
    }

    private static BlobMismatchException? MismatchIn(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is BlobMismatchException mismatch) return mismatch;
        }

        return null;
    }

    /// <summary>Reads from a response body with the idle time-out, mapping network failures the same way.</summary>
    public async Task<int> ReadAsync(Stream body, Memory<byte> buffer, IdleTimeout timeout, string repository, string description, CancellationToken ct)
    {
        try
        {
            timeout.Restart();
            return await body.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (Network(e, ct) is { } reason)
        {
            throw RegistryFailures.Unreachable(_registry, repository, description, reason, e);
        }
    }

    /// <summary>Why a request failed on the network, or null when the failure is not the network's (the caller cancelled).</summary>
    private string? Network(Exception e, CancellationToken ct)
    {
        if (ct.IsCancellationRequested && e is OperationCanceledException) return null;
        return e switch
        {
            OperationCanceledException => $"no answer within {Timeout.TotalSeconds:0.#} seconds",
            HttpRequestException { InnerException: AuthenticationException tls } => "the TLS handshake failed (" + tls.Message + ")",
            HttpRequestException request => Describe(request),
            IOException io => "the connection broke (" + io.Message + ")",
            _ => null,
        };
    }

    private static string Describe(Exception e)
    {
        string? inner = e.InnerException?.Message;
        return inner is null || e.Message.Contains(inner, StringComparison.Ordinal) ? e.Message : $"{e.Message} ({inner})";
    }
}
