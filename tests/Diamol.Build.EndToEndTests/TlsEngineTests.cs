using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// A remote engine behind mutual TLS (eng/provision.sh puts one on tcp://localhost:2376), reached the docker CLI's
/// way: DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH holding ca.pem, cert.pem and key.pem.
/// </summary>
[TestClass]
public sealed class TlsEngineTests
{
    private const string Engine = "tcp://localhost:2376";
    private static string ClientCertificates => Environment.GetEnvironmentVariable("DIAMOL_TEST_TLS_CERTS") ?? "/var/cache/diamol-test/tls/client";

    [TestMethod]
    public void The_right_certificates_build_the_image()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "diamol-e2e/tls-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            project.PublishWith(Tls(ClientCertificates), $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}")
                .EnsureSuccess("publish over TLS");
            ImageInspection.Inspect(repository + ":latest");
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    [TestMethod]
    public void An_engine_certificate_from_another_authority_is_refused()
    {
        // Our client certificate, but a CA that did not sign the engine's certificate: the engine must not be trusted.
        string folder = Path.Combine(TestEnvironment.WorkRoot, "tls-wrong-ca-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(ClientCertificates, "cert.pem"), Path.Combine(folder, "cert.pem"));
        File.Copy(Path.Combine(ClientCertificates, "key.pem"), Path.Combine(folder, "key.pem"));
        using var key = RSA.Create(2048);
        using var otherCa = new CertificateRequest("CN=some-other-ca", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(folder, "ca.pem"), otherCa.ExportCertificatePem());

        var publish = ConsumerProject.FromSample("WebPing").PublishWith(Tls(folder), $"ContainerBaseImage={TestEnvironment.BaseRuntime}");

        Assert.AreNotEqual(0, publish.ExitCode, publish.All);
        StringAssert.Contains(publish.Output, "error DIAM3001");
        StringAssert.Contains(publish.Output, Engine);
    }

    [TestMethod]
    public void Missing_certificate_files_are_named()
    {
        string empty = Path.Combine(TestEnvironment.WorkRoot, "tls-empty-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(empty);
        var publish = ConsumerProject.FromSample("WebPing").PublishWith(Tls(empty), $"ContainerBaseImage={TestEnvironment.BaseRuntime}");
        Assert.AreNotEqual(0, publish.ExitCode, publish.All);
        StringAssert.Contains(publish.Output, "error DIAM3001");
        StringAssert.Contains(publish.Output, Path.Combine(empty, "cert.pem"));
    }

    private static Dictionary<string, string?> Tls(string certificates) => new()
    {
        ["DOCKER_HOST"] = Engine,
        ["DOCKER_TLS_VERIFY"] = "1",
        ["DOCKER_CERT_PATH"] = certificates,
    };
}
