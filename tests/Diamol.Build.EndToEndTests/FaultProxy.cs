using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Diamol.Build.EndToEndTests;

/// <summary>What the proxy does once a request it watches for has been sent.</summary>
public enum Fault
{
    /// <summary>Keeps the connection open and passes nothing more back: an engine that accepted the request and went silent.</summary>
    Stall,

    /// <summary>Passes the first piece of the answer back, then cuts both connections: an engine killed mid-answer.</summary>
    Drop,

    /// <summary>Cuts both connections as soon as the request is seen, before the server gets it: a server that died between requests.</summary>
    Reset,

    /// <summary>Answers the request itself with 500 and a registry error body, without passing it on: a failing registry.</summary>
    ServerError,

    /// <summary>Passes everything on and only counts the connections that sent a matching request.</summary>
    Observe,

    /// <summary>
    /// Cuts the connection (both ways, with a reset) at every fifth request it carries, whatever the pattern, before
    /// the server gets it: a flaky network or load balancer. Triggered counts the cuts.
    /// </summary>
    ResetEveryFifth,
}

/// <summary>
/// A loopback TCP proxy in front of the engine's socket or a registry's port that stalls or cuts the connection once
/// the client sends a request matching a chosen pattern (say "/build\\?" or "PUT [^ ]*/manifests/"). It fails only the connection,
/// never the server: the engine or registry sees a client that stopped reading or went away, which it survives, so
/// the shared engine and registry are safe to use behind it.
/// </summary>
public sealed class FaultProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly System.Text.RegularExpressions.Regex _match;
    private readonly Fault _fault;
    private readonly EndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private int _triggered;
    private int _requests;

    private FaultProxy(string match, Fault fault, EndPoint upstream)
    {
        _match = new System.Text.RegularExpressions.Regex(match);
        _fault = fault;
        _upstream = upstream;
        _listener.Start();
        _ = AcceptAsync();
    }

    /// <summary>In front of the shared engine's socket.</summary>
    public static FaultProxy ForEngine(string match, Fault fault, string socket = "/var/run/docker.sock") => new(match, fault, new UnixDomainSocketEndPoint(socket));

    /// <summary>In front of a registry on a loopback port.</summary>
    public static FaultProxy ForRegistry(string match, Fault fault, int port) => new(match, fault, new IPEndPoint(IPAddress.Loopback, port));

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>For DOCKER_HOST.</summary>
    public string Host => $"tcp://127.0.0.1:{Port}";

    /// <summary>For ContainerRegistry: a loopback registry, which the SDK's rules and ours reach over plain HTTP.</summary>
    public string Registry => $"127.0.0.1:{Port}";

    /// <summary>How many connections sent a matching request: a test checks that its fault really happened.</summary>
    public int Triggered => Volatile.Read(ref _triggered);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        using var engine = new Socket(_upstream.AddressFamily, SocketType.Stream, _upstream is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
        try
        {
            await engine.ConnectAsync(_upstream, _stop.Token);
            using var engineStream = new NetworkStream(engine, ownsSocket: false);
            var clientStream = client.GetStream();
            var matched = new TaskCompletionSource();
            var up = PumpUpAsync(clientStream, engineStream, clientStream, matched);
            var down = PumpDownAsync(engineStream, clientStream, matched.Task, client, engine);
            // When either side goes, both go: a client that gave up closes the engine's connection too, as it would
            // without the proxy, so the engine cancels what it was doing for it. A stalled answer stays stalled even
            // when the server has finished and closed: the client must see silence, not a reset.
            var first = await Task.WhenAny(up, down);
            if (first == down && matched.Task.IsCompleted && _fault == Fault.Stall) await up;
            client.Client.Close(0);
            engine.Close(0);
        }
        catch (Exception)
        {
            // A cut or stalled connection ends here; that is the point.
        }
    }

    private async Task PumpUpAsync(Stream from, Stream to, Stream reply, TaskCompletionSource matched)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            if (_fault == Fault.ResetEveryFifth && StartsRequest(buffer, read) && Interlocked.Increment(ref _requests) % 5 == 0)
            {
                Interlocked.Increment(ref _triggered);
                return;
            }

            if (_fault != Fault.ResetEveryFifth && !matched.Task.IsCompleted && _match.IsMatch(Encoding.Latin1.GetString(buffer, 0, read)))
            {
                Interlocked.Increment(ref _triggered);
                matched.TrySetResult();
                if (_fault == Fault.Reset) return;
                if (_fault == Fault.ServerError)
                {
                    const string body = "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"injected by the test's proxy\"}]}";
                    await reply.WriteAsync(Encoding.ASCII.GetBytes(
                        $"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"), _stop.Token);
                    return;
                }
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    // A client writes a request's head in one piece, so a read that starts with a method starts a request.
    private static bool StartsRequest(byte[] buffer, int read) =>
        System.Text.RegularExpressions.Regex.IsMatch(Encoding.Latin1.GetString(buffer, 0, Math.Min(read, 16)), "^(GET|HEAD|POST|PUT|PATCH|DELETE) /");

    private async Task PumpDownAsync(Stream from, Stream to, Task matched, TcpClient client, Socket engine)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            if (matched.IsCompleted && _fault is Fault.Stall or Fault.ServerError) continue;
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            if (matched.IsCompleted && _fault == Fault.Drop)
            {
                client.Client.Close(0);
                engine.Close(0);
                return;
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
