using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// One real unary gRPC call over cleartext HTTP/2, written out by hand so that the tests need no gRPC packages or
/// generated code: the `dotnet new grpc` template's `greet.Greeter/SayHello`, whose request and reply each hold one
/// string (field 1). The wire format is the gRPC over HTTP/2 protocol: a 5-byte prefix (compressed flag, big-endian
/// length) before the protobuf message, the status in the `grpc-status` trailer.
/// </summary>
public static class GrpcCall
{
    /// <summary>Calls SayHello on loopback; returns the reply's message, or throws with the status the server gave.</summary>
    public static string SayHello(int port, string name)
    {
        using var client = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/greet.Greeter/SayHello")
        {
            Version = HttpVersion.Version20,
            // The template's Kestrel endpoints speak HTTP/2 only: no upgrade from HTTP/1.1, prior knowledge.
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(Frame(StringField(name))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        // HTTP/2 has no synchronous send in SocketsHttpHandler.
        using var response = client.SendAsync(request).GetAwaiter().GetResult();
        byte[] body = response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        string status = Header(response, "grpc-status");
        if (response.StatusCode != HttpStatusCode.OK || status != "0")
        {
            throw new InvalidOperationException($"SayHello answered HTTP {(int)response.StatusCode}, grpc-status {status} ({Header(response, "grpc-message")})");
        }

        return ReadStringField(Unframe(body));
    }

    private static byte[] StringField(string value)
    {
        byte[] text = Encoding.UTF8.GetBytes(value);
        if (text.Length > 127) throw new ArgumentException("a name of at most 127 bytes (one-byte varint length)", nameof(value));
        return [0x0A, (byte)text.Length, .. text];
    }

    private static byte[] Frame(byte[] message) =>
        [0, (byte)(message.Length >> 24), (byte)(message.Length >> 16), (byte)(message.Length >> 8), (byte)message.Length, .. message];

    private static byte[] Unframe(byte[] body)
    {
        if (body.Length < 5 || body[0] != 0) throw new InvalidOperationException($"not one uncompressed gRPC message: {Convert.ToHexString(body)}");
        int length = (body[1] << 24) | (body[2] << 16) | (body[3] << 8) | body[4];
        return body[5..(5 + length)];
    }

    private static string ReadStringField(byte[] message)
    {
        if (message.Length < 2 || message[0] != 0x0A || (message[1] & 0x80) != 0) throw new InvalidOperationException($"not one short string field: {Convert.ToHexString(message)}");
        return Encoding.UTF8.GetString(message, 2, message[1]);
    }

    // Trailers arrive after the body; a reply with no message may carry the status in the headers (trailers-only).
    private static string Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var values) || response.Headers.TryGetValues(name, out values) ? string.Join(",", values) : "(none)";
}
