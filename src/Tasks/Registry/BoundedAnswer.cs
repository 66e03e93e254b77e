using System.Net.Http;

namespace Diamol.Build.Registry;

/// <summary>
/// Reads an answer's body into memory with a limit checked as the bytes arrive, not after: a registry (or whatever
/// answers in its place) that sends a 1 GiB or endless manifest, token answer or error body costs at most the
/// limit. Each read restarts the request's idle time-out, so a stalled body fails within DiamolIdleTimeout.
/// </summary>
internal static class BoundedAnswer
{
    /// <summary>The distribution spec's recommended limit for a manifest, and so for any answer read whole.</summary>
    public const int Limit = 4 * 1024 * 1024;

    /// <summary>
    /// Replaces the response's content by its bytes in memory. Over <paramref name="limit"/>: null when
    /// <paramref name="dropOverLimit"/> is false (the caller refuses the answer); else the content is dropped (an
    /// error body too large to be one is no error body) and the response is returned with an empty body.
    /// </summary>
    public static async Task<HttpResponseMessage?> BufferAsync(HttpResponseMessage response, int limit, bool dropOverLimit,
        Func<Stream, Memory<byte>, Task<int>> read, CancellationToken ct)
    {
        var original = response.Content;
        if (original.Headers.ContentLength > limit) return Drop(response, dropOverLimit);
        using var buffer = new MemoryStream();
        try
        {
            await using var body = await original.ReadAsStreamAsync(ct).ConfigureAwait(false);
            byte[] chunk = new byte[81920];
            while (true)
            {
                int count = await read(body, chunk).ConfigureAwait(false);
                if (count == 0) break;
                if (buffer.Length + count > limit) return Drop(response, dropOverLimit);
                buffer.Write(chunk, 0, count);
            }
        }
        catch
        {
            response.Dispose();
            throw;
        }

        var content = new ByteArrayContent(buffer.ToArray());
        foreach (var header in original.Headers)
        {
            if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = content;
        original.Dispose();
        return response;
    }

    private static HttpResponseMessage? Drop(HttpResponseMessage response, bool keepResponse)
    {
        if (!keepResponse)
        {
            response.Dispose();
            return null;
        }

        var original = response.Content;
        response.Content = new ByteArrayContent([]);
        original.Dispose();
        return response;
    }
}
