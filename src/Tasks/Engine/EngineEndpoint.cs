namespace Diamol.Build.Engine;

/// <summary>The certificates for a TLS engine: the CA that signed the engine's certificate and our client certificate.</summary>
/// <param name="Verify">False for DOCKER_TLS without DOCKER_TLS_VERIFY: encrypted, but the engine's certificate is not checked.</param>
internal sealed record EngineTls(string CaFile, string CertFile, string KeyFile, bool Verify);

/// <summary>A place a Docker engine may listen, and why we looked there (shown when none answers).</summary>
internal sealed record EngineEndpoint(Uri Uri, string Source, EngineTls? Tls = null)
{
    public override string ToString() => $"{Uri} ({Source})";
}
