using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Diamol.Build.EndToEndTests.Registry;

/// <summary>
/// A registry of the test's own (Debian's docker-registry) with token auth, and the token server it trusts, both on
/// loopback. The token server grants whatever scope is asked for (anonymously) with tokens that live
/// <see cref="TokenLifetime"/>, signed RS256 with a self-signed certificate the registry has as its root bundle
/// (the certificate travels in the token's x5c header, as the docker token spec allows).
/// </summary>
internal sealed class TokenRegistry : IDisposable
{
    private const string Service = "diamol-test-registry";
    private const string Issuer = "diamol-test-token-server";

    private readonly Process _process;
    private readonly string _root;
    private readonly HttpListener _tokens = new();
    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;
    private readonly string? _basic;
    private int _issued;
    private int _refused;
    private readonly List<DateTime> _issuedAt = [];

    /// <param name="login">The Basic login the token server asks for; null grants tokens anonymously.</param>
    public TokenRegistry(TimeSpan tokenLifetime, (string User, string Password)? login = null)
    {
        _basic = login is { } l ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{l.User}:{l.Password}")) : null;
        TokenLifetime = tokenLifetime;
        Port = FreePort();
        int tokenPort = FreePort();
        _root = Path.Combine(TestEnvironment.WorkRoot, "token-registry-" + Port);
        Directory.CreateDirectory(Path.Combine(_root, "storage"));
        var request = new CertificateRequest("CN=" + Issuer, _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        string bundle = Path.Combine(_root, "token.pem");
        File.WriteAllText(bundle, _certificate.ExportCertificatePem());

        _tokens.Prefixes.Add($"http://127.0.0.1:{tokenPort}/");
        _tokens.Start();
        _ = ServeTokensAsync();

        string config = Path.Combine(_root, "config.yml");
        File.WriteAllText(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {Path.Combine(_root, "storage")}
            http:
              addr: 127.0.0.1:{Port}
              secret: diamol-test-token
            auth:
              token:
                realm: http://127.0.0.1:{tokenPort}/token
                service: {Service}
                issuer: {Issuer}
                rootcertbundle: {bundle}
            """);
        _process = Process.Start(new ProcessStartInfo("docker-registry", ["serve", config]) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("docker-registry did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (StatusOf("/v2/") != "401")
        {
            Assert.IsTrue(DateTime.UtcNow < deadline && !_process.HasExited, $"the test's token registry on port {Port} did not answer");
            Thread.Sleep(200);
        }
    }

    public int Port { get; }

    public string Registry => $"127.0.0.1:{Port}";

    public TimeSpan TokenLifetime { get; }

    /// <summary>How many tokens the token server gave out.</summary>
    public int Issued => Volatile.Read(ref _issued);

    /// <summary>How long passed between the first token given out and the last: over the lifetime, a token was renewed.</summary>
    public TimeSpan IssuingSpan
    {
        get
        {
            lock (_issuedAt) return _issuedAt.Count < 2 ? TimeSpan.Zero : _issuedAt[^1] - _issuedAt[0];
        }
    }

    /// <summary>Forgets when tokens were given out, for a second client.</summary>
    public void ForgetIssues()
    {
        lock (_issuedAt) _issuedAt.Clear();
    }

    /// <summary>How many token requests came without the login the token server asks for.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>A manifest or blob as the registry holds it (asked with a token of its own), or null when it has none.</summary>
    public byte[]? Get(string repository, string path)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{Registry}/v2/{repository}/{path}");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Token([$"repository:{repository}:pull"]));
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json");
        using var response = http.Send(request);
        return response.IsSuccessStatusCode ? response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult() : null;
    }

    /// <summary>The registry's digest for a tag, asked with a token of its own.</summary>
    public string? DigestOf(string repository, string tag)
    {
        string token = Token([$"repository:{repository}:pull"]);
        var head = ProcessRunner.Run("curl", ["-s", "-I", "-H", "Authorization: Bearer " + token,
            "-H", "Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json",
            $"http://{Registry}/v2/{repository}/manifests/{tag}"]).Output;
        return head.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("Docker-Content-Digest:", StringComparison.OrdinalIgnoreCase))?.Split(':', 2)[1].Trim();
    }

    private string StatusOf(string path) =>
        ProcessRunner.Run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", $"http://127.0.0.1:{Port}{path}"]).Output.Trim();

    private async Task ServeTokensAsync()
    {
        while (_tokens.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _tokens.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                if (_basic is not null && context.Request.Headers["Authorization"] != _basic)
                {
                    Interlocked.Increment(ref _refused);
                    context.Response.StatusCode = 401;
                    context.Response.Headers["WWW-Authenticate"] = "Basic realm=\"diamol-test-token-server\"";
                    context.Response.Close();
                    continue;
                }

                string[] scopes = context.Request.QueryString.GetValues("scope") ?? [];
                Interlocked.Increment(ref _issued);
                lock (_issuedAt) _issuedAt.Add(DateTime.UtcNow);
                byte[] body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
                {
                    token = Token(scopes),
                    expires_in = (int)TokenLifetime.TotalSeconds,
                    issued_at = DateTimeOffset.UtcNow.ToString("O"),
                }));
                context.Response.ContentType = "application/json";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                context.Response.Abort();
            }
        }
    }

    private string Token(IEnumerable<string> scopes)
    {
        var access = scopes.SelectMany(scope => scope.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(scope =>
        {
            string[] parts = scope.Split(':');
            return new { type = parts[0], name = string.Join(':', parts[1..^1]), actions = parts[^1].Split(',') };
        }).ToArray();
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { typ = "JWT", alg = "RS256", x5c = new[] { Convert.ToBase64String(_certificate.RawData) } }));
        string claims = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new
        {
            iss = Issuer,
            sub = "",
            aud = Service,
            exp = now + (long)TokenLifetime.TotalSeconds,
            nbf = now - 1,
            iat = now,
            jti = Guid.NewGuid().ToString("N"),
            access,
        }));
        string signed = header + "." + claims;
        return signed + "." + Base64Url(_key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
        _tokens.Close();
        _certificate.Dispose();
        _key.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
