using System.Net;
using System.Text;
using Diamol.Build.Common;
using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Registry;

/// <summary>
/// Tokens used for as long as they live and renewed on a 401, and credentials that go only to the registry's own
/// origin and to token realms the policy allows (issue 20 items 4 and 5).
/// </summary>
[TestClass]
public sealed class RegistryCredentialScopeTests
{
    private const string Registry = "registry.test";
    private const string Secret = "s3cret-Pa55word";
    private static readonly RegistryLogin Login = new(Registry, "alice", Secret, null);
    private static readonly string Basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + Secret));

    private static Task<ResolvedImage> Pull(RegistryClient client, string reference) =>
        client.ResolveAsync("team/app", reference, ImagePlatform.FromRuntimeIdentifier("linux-x64"), default);

    private static byte[] SomeManifest() =>
        TestImages.Manifest(TestImages.Blob("{}", "application/vnd.oci.image.config.v1+json").Descriptor, TestImages.Blob("layer").Descriptor);

    [TestMethod]
    public async Task A_five_second_token_is_sent_up_front_while_it_lives()
    {
        byte[] manifest = SomeManifest();
        var handler = new FakeRegistryHandler(request => request.Uri.Host switch
        {
            // issued_at far in the past: the server's clock is not ours, and only expires_in counts.
            "auth.test" => FakeRegistryHandler.Json(HttpStatusCode.OK, """{"token":"short","expires_in":5,"issued_at":"2001-01-01T00:00:00Z"}"""),
            _ when request.Authorization == "Bearer short" => FakeRegistryHandler.Bytes(manifest, "application/vnd.oci.image.manifest.v1+json"),
            _ => FakeRegistryHandler.Challenge("""Bearer realm="https://auth.test/token",service="registry.test" """),
        });
        using var client = new RegistryClient(Registry, () => Login, handler);

        await Pull(client, "1.0");
        await Pull(client, "2.0");

        var second = handler.Requests.Where(r => r.Path.EndsWith("/2.0", StringComparison.Ordinal)).ToList();
        Assert.AreEqual(1, second.Count, "no 401 round trip for a token that still lives");
        Assert.AreEqual("Bearer short", second[0].Authorization);
        Assert.AreEqual(1, handler.Requests.Count(r => r.Uri.Host == "auth.test"));
    }

    [TestMethod]
    public async Task A_401_to_a_token_gets_a_new_token_and_the_request_is_repeated_once()
    {
        byte[] manifest = SomeManifest();
        int issued = 0;
        var handler = new FakeRegistryHandler(request => request.Uri.Host switch
        {
            "auth.test" => FakeRegistryHandler.Json(HttpStatusCode.OK, $$"""{"token":"tok-{{Interlocked.Increment(ref issued)}}","expires_in":300}"""),
            // The registry no longer takes the first token (it expired on its side, or was revoked).
            _ when request.Authorization == "Bearer tok-2" => FakeRegistryHandler.Bytes(manifest, "application/vnd.oci.image.manifest.v1+json"),
            _ when request.Authorization == "Bearer tok-1" && request.Path.EndsWith("/1.0", StringComparison.Ordinal) =>
                FakeRegistryHandler.Bytes(manifest, "application/vnd.oci.image.manifest.v1+json"),
            _ => FakeRegistryHandler.Challenge("""Bearer realm="https://auth.test/token",service="registry.test" """),
        });
        using var client = new RegistryClient(Registry, () => Login, handler);

        await Pull(client, "1.0");
        await Pull(client, "2.0");

        var second = handler.Requests.Where(r => r.Path.EndsWith("/2.0", StringComparison.Ordinal)).Select(r => r.Authorization).ToList();
        CollectionAssert.AreEqual(new[] { "Bearer tok-1", "Bearer tok-2" }, second);
        Assert.AreEqual(2, issued);
    }

    [TestMethod]
    public async Task A_large_blob_body_waits_for_100_continue_and_a_small_one_does_not()
    {
        var large = TestImages.Blob(new string('x', 2 * 1024 * 1024));
        var small = TestImages.Blob("small layer");
        var handler = new FakeRegistryHandler(request => request.Method.Method switch
        {
            "HEAD" => FakeRegistryHandler.Status(HttpStatusCode.NotFound),
            "POST" => FakeRegistryHandler.Accepted("/v2/team/app/blobs/uploads/u1"),
            _ => FakeRegistryHandler.Status(HttpStatusCode.Created),
        });
        using var client = new RegistryClient(Registry, () => null, handler);

        await client.PushBlobAsync("team/app", large.Descriptor, () => new MemoryStream(large.Bytes), null, default);
        await client.PushBlobAsync("team/app", small.Descriptor, () => new MemoryStream(small.Bytes), null, default);

        var puts = handler.Requests.Where(r => r.Method == HttpMethod.Put).ToList();
        Assert.AreEqual("100-continue", puts[0].Header("Expect"));
        Assert.IsNull(puts[1].Header("Expect"));
    }

    [TestMethod]
    [DataRow("https://storage.other.test/upload/u1", DisplayName = "https on another host")]
    [DataRow("http://storage.other.test/upload/u1", DisplayName = "http on another host")]
    [DataRow("https://registry.test:8443/upload/u1", DisplayName = "another port of the registry's host")]
    public async Task An_upload_Location_on_another_origin_gets_no_credentials_and_neither_does_its_DELETE(string location)
    {
        var (bytes, blob) = TestImages.Blob("layer");
        var handler = new FakeRegistryHandler(request =>
        {
            if (request.Uri.Host == Registry && request.Uri.Port == 443 && request.Authorization != Basic) return FakeRegistryHandler.Challenge("Basic realm=\"test\"");
            return request.Method.Method switch
            {
                "HEAD" => FakeRegistryHandler.Status(HttpStatusCode.NotFound),
                "POST" => FakeRegistryHandler.Accepted(location),
                // The other host refuses the PUT: the upload is cancelled with a DELETE there.
                "PUT" => FakeRegistryHandler.Status(HttpStatusCode.BadRequest),
                _ => FakeRegistryHandler.Status(HttpStatusCode.NoContent),
            };
        });
        using var client = new RegistryClient(Registry, () => Login, handler);

        await Assert.ThrowsExactlyAsync<DiamolException>(() => client.PushBlobAsync("team/app", blob, () => new MemoryStream(bytes), null, default));

        var elsewhere = handler.Requests.Where(r => !(r.Uri.Host == Registry && r.Uri.Port == 443)).ToList();
        // The refused whole PUT falls back to chunks in a new session (its PATCH and DELETE go there too): every one without the login.
        CollectionAssert.IsSubsetOf(new[] { "PUT", "DELETE" }, elsewhere.Select(r => r.Method.Method).Distinct().ToList());
        Assert.IsTrue(elsewhere.All(r => r.Authorization is null), string.Join("\n", elsewhere.Select(r => $"{r.Method} {r.Uri} {r.Authorization}")));
        // The registry itself got its login on every session it opened.
        Assert.IsTrue(handler.Requests.Where(r => r.Method == HttpMethod.Post && r.Authorization is not null).All(r => r.Authorization == Basic));
        Assert.IsTrue(handler.Requests.Any(r => r.Method == HttpMethod.Post && r.Authorization == Basic));
    }

    [TestMethod]
    public async Task A_relative_upload_Location_keeps_the_credentials()
    {
        var (bytes, blob) = TestImages.Blob("layer");
        var handler = new FakeRegistryHandler(request =>
        {
            if (request.Authorization != Basic) return FakeRegistryHandler.Challenge("Basic realm=\"test\"");
            return request.Method.Method switch
            {
                "HEAD" => FakeRegistryHandler.Status(HttpStatusCode.NotFound),
                "POST" => FakeRegistryHandler.Accepted("/v2/team/app/blobs/uploads/u1"),
                _ => FakeRegistryHandler.Status(HttpStatusCode.Created),
            };
        });
        using var client = new RegistryClient(Registry, () => Login, handler);

        Assert.AreEqual(BlobPushOutcome.Uploaded, await client.PushBlobAsync("team/app", blob, () => new MemoryStream(bytes), null, default));
        Assert.AreEqual(Basic, handler.Requests.Last(r => r.Method == HttpMethod.Put).Authorization);
    }

    [TestMethod]
    public void Origins_are_scheme_host_and_port()
    {
        var registry = new Uri("https://registry.test/");
        Assert.IsTrue(CredentialOrigin.Allows(registry, new Uri("https://REGISTRY.test:443/v2/x")));
        Assert.IsFalse(CredentialOrigin.Allows(registry, new Uri("http://registry.test/v2/x")));
        Assert.IsFalse(CredentialOrigin.Allows(registry, new Uri("https://registry.test:5000/v2/x")));
        Assert.IsFalse(CredentialOrigin.Allows(registry, new Uri("https://registry.test.evil/v2/x")));
    }

    [TestMethod]
    public async Task A_loopback_registry_sends_no_login_to_an_http_realm_on_a_network_name()
    {
        var handler = new FakeRegistryHandler(_ => FakeRegistryHandler.Challenge("""Bearer realm="http://auth.example.test/token",service="local" """));
        bool asked = false;
        using var client = new RegistryClient("127.0.0.1:5999", () => { asked = true; return Login; }, handler);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => Pull(client, "1.0"));

        Assert.AreEqual(DiagnosticCode.DIAM3011, e.Code);
        StringAssert.Contains(e.Message, "127.0.0.1:5999");
        Assert.IsFalse(asked, "the login is not even read");
        Assert.IsFalse(handler.Requests.Any(r => r.Uri.Host == "auth.example.test"));
    }

    [TestMethod]
    public void Http_realms_need_both_ends_loopback_or_listed_as_insecure()
    {
        Func<string, string?> none = _ => null;
        Func<string, string?> listed = name => name == RegistryEndpoint.InsecureRegistriesVariable ? "auth.example.test:8080;reg.example.test:5000" : null;

        Assert.AreEqual("127.0.0.2", TokenRealmPolicy.Validate("http://127.0.0.2:9000/token", "127.0.0.1:5000", "r", insecure: true, none).Host);
        Assert.ThrowsExactly<DiamolException>(() => TokenRealmPolicy.Validate("http://auth.example.test:8080/token", "127.0.0.1:5000", "r", insecure: true, none));
        Assert.AreEqual("auth.example.test", TokenRealmPolicy.Validate("http://auth.example.test:8080/token", "127.0.0.1:5000", "r", insecure: true, listed).Host);
        Assert.AreEqual("reg.example.test", TokenRealmPolicy.Validate("http://reg.example.test:5001/token", "reg.example.test:5000", "r", insecure: true, listed).Host);
        Assert.ThrowsExactly<DiamolException>(() => TokenRealmPolicy.Validate("http://other.example.test/token", "reg.example.test:5000", "r", insecure: true, listed));
        Assert.ThrowsExactly<DiamolException>(() => TokenRealmPolicy.Validate("http://auth.example.test:8080/token", "reg.example.test", "r", insecure: false, listed));
    }

    [TestMethod]
    public void A_pull_from_the_push_registry_takes_the_push_pair_and_other_registries_the_pull_pair()
    {
        var variables = new Dictionary<string, string>
        {
            [EnvironmentCredentials.UserVariable] = "pusher",
            [EnvironmentCredentials.PasswordVariable] = "push-secret",
        };
        Func<string, string?> variable = name => variables.GetValueOrDefault(name);

        Assert.AreEqual(RegistryAccess.PullFromPushRegistry, EnvironmentCredentials.PullAccess("127.0.0.1:5001", "127.0.0.1:5001"));
        Assert.AreEqual(RegistryAccess.PullFromPushRegistry, EnvironmentCredentials.PullAccess("docker.io", "registry-1.docker.io"));
        Assert.AreEqual(RegistryAccess.Pull, EnvironmentCredentials.PullAccess("127.0.0.1:5000", "127.0.0.1:5001"));
        Assert.AreEqual(RegistryAccess.Pull, EnvironmentCredentials.PullAccess("127.0.0.1:5000", null));

        Assert.AreEqual("pusher", EnvironmentCredentials.Find("127.0.0.1:5001", RegistryAccess.PullFromPushRegistry, variable)?.Username);
        Assert.IsNull(EnvironmentCredentials.Find("127.0.0.1:5000", RegistryAccess.Pull, variable), "another registry never gets the push pair");

        variables[EnvironmentCredentials.PullUserVariable] = "puller";
        variables[EnvironmentCredentials.PullPasswordVariable] = "pull-secret";
        Assert.AreEqual("puller", EnvironmentCredentials.Find("127.0.0.1:5000", RegistryAccess.Pull, variable)?.Username);
        Assert.AreEqual("pusher", EnvironmentCredentials.Find("127.0.0.1:5001", RegistryAccess.PullFromPushRegistry, variable)?.Username);
        variables.Remove(EnvironmentCredentials.UserVariable);
        Assert.AreEqual("puller", EnvironmentCredentials.Find("127.0.0.1:5001", RegistryAccess.PullFromPushRegistry, variable)?.Username);
    }
}
