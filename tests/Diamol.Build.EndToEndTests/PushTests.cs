using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// Pushing to a real registry with htpasswd auth (eng/provision.sh runs it on 127.0.0.1:5001): credentials come
/// from the docker configuration (auths, or a credential helper); wrong ones stop the publish with DIAM3005;
/// no secret ever reaches the output.
/// </summary>
[TestClass]
public sealed class PushTests
{
    private const string Registry = "localhost:5001";
    private const string User = "diamol";
    private const string Password = "diamol-secret";

    [TestMethod]
    public void Right_credentials_from_auths_push_every_tag_and_report_the_digest()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "e2e/webping-" + Guid.NewGuid().ToString("N")[..8];
        string config = DockerConfig(new { auths = new Dictionary<string, object> { [Registry] = new { auth = Base64($"{User}:{Password}") } } });
        string binlog = Path.Combine(TestEnvironment.WorkRoot, "push-" + Guid.NewGuid().ToString("N")[..6] + ".binlog");
        try
        {
            var publish = project.PublishWith(new Dictionary<string, string?> { ["DOCKER_CONFIG"] = config },
                $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRegistry={Registry}", $"ContainerRepository={repository}",
                "ContainerImageTags=\"1.0.0;latest\"", $"-bl:{binlog}").EnsureSuccess("publish with push");

            using var image = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContainerFolder, "image.json")));
            string digest = image.RootElement.GetProperty("digest").GetString()!;
            Assert.IsTrue(image.RootElement.GetProperty("pushed").GetBoolean());
            CollectionAssert.AreEqual(new[] { $"{Registry}/{repository}:1.0.0", $"{Registry}/{repository}:latest" },
                ImageInspection.Strings(image.RootElement.GetProperty("tags")));
            foreach (string tag in new[] { "1.0.0", "latest" })
            {
                Assert.AreEqual(digest, RegistryDigest(repository, tag), $"the registry's digest for {tag}");
            }

            AssertNoSecret(publish.All);

            // The binary log records every property, item and message; the secret must be in none of them.
            using var binary = new System.IO.Compression.GZipStream(File.OpenRead(binlog), System.IO.Compression.CompressionMode.Decompress);
            using var content = new MemoryStream();
            binary.CopyTo(content);
            string text = Encoding.UTF8.GetString(content.ToArray());
            Assert.IsTrue(text.Contains(repository, StringComparison.Ordinal), "the binary log is not readable as expected");
            AssertNoSecret(text);
        }
        finally
        {
            ImageInspection.RemoveImages($"{Registry}/{repository}:1.0.0", $"{Registry}/{repository}:latest");
        }
    }

    [TestMethod]
    public void Credentials_from_a_credential_helper_push()
    {
        // A credential helper is any docker-credential-NAME program speaking the helper protocol on stdin/stdout.
        string bin = Path.Combine(TestEnvironment.WorkRoot, "helper-bin-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(bin);
        string helper = Path.Combine(bin, "docker-credential-diamoltest");
        File.WriteAllText(helper, $"#!/bin/sh\n[ \"$1\" = get ] || exit 1\nread server\n[ \"$server\" = \"{Registry}\" ] || {{ echo 'credentials not found'; exit 1; }}\n" +
                                  $"echo '{{\"ServerURL\":\"{Registry}\",\"Username\":\"{User}\",\"Secret\":\"{Password}\"}}'\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string config = DockerConfig(new { credHelpers = new Dictionary<string, string> { [Registry] = "diamoltest" } });

        var project = ConsumerProject.FromSample("WebPing");
        string repository = "e2e/helper-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var publish = project.PublishWith(
                new Dictionary<string, string?> { ["DOCKER_CONFIG"] = config, ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH") },
                $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRegistry={Registry}", $"ContainerRepository={repository}")
                .EnsureSuccess("publish with a credential helper");
            Assert.IsNotNull(RegistryDigest(repository, "latest"));
            AssertNoSecret(publish.All);
        }
        finally
        {
            ImageInspection.RemoveImages($"{Registry}/{repository}:latest");
        }
    }

    [TestMethod]
    public void Wrong_credentials_stop_the_publish_with_DIAM3005_and_print_no_secret()
    {
        const string wrong = "not-the-password-4711";
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "e2e/denied-" + Guid.NewGuid().ToString("N")[..8];
        string config = DockerConfig(new { auths = new Dictionary<string, object> { [Registry] = new { auth = Base64($"{User}:{wrong}") } } });
        try
        {
            var publish = project.PublishWith(new Dictionary<string, string?> { ["DOCKER_CONFIG"] = config },
                $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRegistry={Registry}", $"ContainerRepository={repository}");

            Assert.AreNotEqual(0, publish.ExitCode, publish.All);
            StringAssert.Contains(publish.Output, "error DIAM3005");
            StringAssert.Contains(publish.Output, $"The registry {Registry} refused");
            Assert.IsFalse(publish.All.Contains(wrong, StringComparison.Ordinal), "the password was printed");
            Assert.IsFalse(publish.All.Contains(Base64($"{User}:{wrong}"), StringComparison.Ordinal), "the encoded credentials were printed");
            Assert.IsNull(RegistryDigest(repository, "latest"), "something was pushed");
        }
        finally
        {
            ImageInspection.RemoveImages($"{Registry}/{repository}:latest");
        }
    }

    /// <summary>
    /// The engine builds and tags, then the push is refused: the local tag has moved and the registry has not, and
    /// the message and image.json say exactly that rather than "nothing changed" or the previous image.
    /// </summary>
    [TestMethod]
    public void A_refused_push_after_an_engine_build_says_which_tags_moved_and_image_json_says_not_pushed()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "e2e/half-" + Guid.NewGuid().ToString("N")[..8];
        string config = DockerConfig(new { auths = new Dictionary<string, object> { [Registry] = new { auth = Base64($"{User}:wrong-password") } } });
        string local = $"{Registry}/{repository}:latest";
        try
        {
            var publish = project.PublishWith(new Dictionary<string, string?> { ["DOCKER_CONFIG"] = config },
                $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRegistry={Registry}", $"ContainerRepository={repository}", "DiamolBuilder=docker");

            Assert.AreNotEqual(0, publish.ExitCode, publish.All);
            StringAssert.Contains(publish.Output, "error DIAM3005");
            StringAssert.Contains(publish.Output, "the local tags " + local + " now point to it; the registry was not updated");
            Assert.IsNull(RegistryDigest(repository, "latest"), "something was pushed");

            string localId = ImageInspection.Inspect(local).GetProperty("Id").GetString()!;
            using var image = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContainerFolder, "image.json")));
            Assert.AreEqual(localId, image.RootElement.GetProperty("id").GetString(), "image.json names the image the local tag points to");
            Assert.IsFalse(image.RootElement.GetProperty("pushed").GetBoolean());
            StringAssert.Contains(image.RootElement.GetProperty("pushError").GetString(), "DIAM3005");
            Assert.AreEqual(JsonValueKind.Null, image.RootElement.GetProperty("digest").ValueKind);
            StringAssert.Contains(File.ReadAllText(Path.Combine(project.ContainerFolder, "image-history.json")), localId, "the history describes the new image");
        }
        finally
        {
            ImageInspection.RemoveImages(local);
        }
    }

    private static void AssertNoSecret(string output)
    {
        Assert.IsFalse(output.Contains(Password, StringComparison.Ordinal), "the password was printed");
        Assert.IsFalse(output.Contains(Base64($"{User}:{Password}"), StringComparison.Ordinal), "the encoded credentials were printed");
    }

    private static string DockerConfig(object config)
    {
        string folder = Path.Combine(TestEnvironment.WorkRoot, "docker-config-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(config));
        return folder;
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>Asks the registry itself (HTTP API v2) for a tag's manifest digest; null when it has none.</summary>
    private static string? RegistryDigest(string repository, string tag)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://127.0.0.1:5001/v2/{repository}/manifests/{tag}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Base64($"{User}:{Password}"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.docker.distribution.manifest.v2+json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json"));
        using var response = http.Send(request);
        return response.IsSuccessStatusCode && response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.First() : null;
    }
}
