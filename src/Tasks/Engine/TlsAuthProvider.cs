using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet.Handler.Abstractions;

namespace Diamol.Build.Engine;

/// <summary>
/// Mutual TLS to an engine the way the docker CLI does it: our client certificate (cert.pem + key.pem), and the
/// engine's certificate checked against ca.pem (chain and host name) unless verification was not asked for.
/// </summary>
internal sealed class TlsAuthProvider : IAuthProvider
{
    private readonly X509Certificate2 _client;
    private readonly X509Certificate2? _authority;

    public TlsAuthProvider(EngineTls tls)
    {
        var client = X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile);
        // Windows' TLS stack refuses the ephemeral key a PEM import gives; a PKCS#12 round trip makes it persistable.
        _client = OperatingSystem.IsWindows() ? new X509Certificate2(client.Export(X509ContentType.Pkcs12)) : client;
        _authority = tls.Verify ? X509Certificate2.CreateFromPem(File.ReadAllText(tls.CaFile)) : null;
    }

    public bool TlsEnabled => true;

    public HttpMessageHandler ConfigureHandler(HttpMessageHandler handler)
    {
        if (handler is not SocketsHttpHandler sockets)
        {
            throw new NotSupportedException($"TLS needs the native HTTP transport, not {handler.GetType().Name}.");
        }

        sockets.SslOptions.ClientCertificates = [_client];
        sockets.SslOptions.RemoteCertificateValidationCallback = Validate;
        return handler;
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_authority is null) return true;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        // Trust ca.pem alone, as the engine's certificate is signed by it and not by a public authority.
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(_authority);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(new X509Certificate2(certificate));
    }
}
