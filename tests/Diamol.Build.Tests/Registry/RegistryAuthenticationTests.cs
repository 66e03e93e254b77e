using System.Net;
using System.Text;
using Diamol.Build.Common;
using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Registry;

[TestClass]
public sealed class RegistryAuthenticationTests
{
    private const string Registry = "registry.test";
    private const string Secret = "s3cret-Pa55word";
    private const string Challenge = """Bearer realm="https://auth.test/token",service="registry.test",scope="repository:team/app:pull" """;

    private static readonly RegistryLogin Login = new(Registry, "alice", Secret, null);

    // A base image's pull, as a build makes it: its manifest requests are the ones these tests authenticate.
    private static Task<ResolvedImage> Pull(RegistryClient client, string reference) =>
        client.ResolveAsync("team/app", reference, ImagePlatform.FromRuntimeIdentifier("linux-x64"), default);

    [TestMethod]
    public async Task Bearer_challenge_gets_a_token_from_the_realm_with_the_scope_and_caches_it()
    {
        byte[] manifest = TestImages.Manifest(TestImages.Blob("{}", "application/vnd.oci.image.config.v1+json").Descriptor, TestImages.Blob("layer").Descriptor);
        var handler = new FakeRegistryHandler(request => request.Uri.Host switch
        {
            "auth.test" => FakeRegistryHandler.Json(HttpStatusCode.OK, """{"token":"tok-1","expires_in":300}"""),
            _ when request.Authorization == "Bearer tok-1" => FakeRegistryHandler.Bytes(manifest, "application/vnd.oci.image.manifest.v1+json"),
            _ => FakeRegistryHandler.Challenge(Challenge),
        });
        int asked = 0;
        using var client = new RegistryClient(Registry, () => { asked++; return Login; }, handler);

        Assert.AreEqual(ContentDigest.Of(manifest), (await Pull(client, "1.0")).ManifestDigest);
        Assert.AreEqual(ContentDigest.Of(manifest), (await Pull(client, "2.0")).ManifestDigest);

        var tokenRequests = handler.Requests.Where(r => r.Uri.Host == "auth.test").ToList();
        Assert.AreEqual(1, tokenRequests.Count, "the token is cached for the scope");
        Assert.AreEqual(HttpMethod.Get, tokenRequests[0].Method);
        StringAssert.Contains(tokenRequests[0].Uri.Query, "service=registry.test");
        StringAssert.Contains(Uri.UnescapeDataString(tokenRequests[0].Uri.Query), "scope=repository:team/app:pull");
        Assert.AreEqual("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + Secret)), tokenRequests[0].Authorization);
        Assert.AreEqual(1, asked, "credentials are read once");
        // Second manifest: sent with the cached token straight away, no 401 round trip.
        var secondManifest = handler.Requests.Where(r => r.Path.EndsWith("/2.0", StringComparison.Ordinal)).ToList();
        Assert.AreEqual(1, secondManifest.Count);
        Assert.AreEqual("Bearer tok-1", secondManifest[0].Authorization);
    }

    [TestMethod]
    public async Task Anonymous_bearer_asks_the_realm_without_a_login()
    {
        var handler = new FakeRegistryHandler(request => request.Uri.Host switch
        {
            "auth.test" => FakeRegistryHandler.Json(HttpStatusCode.OK, """{"access_token":"anon"}"""),
            _ when request.Authorization == "Bearer anon" => FakeRegistryHandler.Status(HttpStatusCode.NotFound),
            _ => FakeRegistryHandler.Challenge(Challenge),
        });
        using var client = new RegistryClient(Registry, () => null, handler);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => Pull(client, "1.0"));

        Assert.AreEqual(DiagnosticCode.DIAM3012, e.Code, "authenticated, then not found");
        Assert.IsNull(handler.Requests.Single(r => r.Uri.Host == "auth.test").Authorization);
    }

    [TestMethod]
    public async Task Identity_token_is_posted_as_a_refresh_token()
    {
        var handler = new FakeRegistryHandler(request => request.Uri.Host switch
        {
            "auth.test" => FakeRegistryHandler.Json(HttpStatusCode.OK, """{"access_token":"tok-2"}"""),
            _ when request.Authorization == "Bearer tok-2" => FakeRegistryHandler.Status(HttpStatusCode.NotFound),
            _ => FakeRegistryHandler.Challenge(Challenge),
        });
        using var client = new RegistryClient(Registry, () => new RegistryLogin(Registry, null, null, "refresh-me"), handler);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => Pull(client, "1.0"));

        Assert.AreEqual(DiagnosticCode.DIAM3012, e.Code, "authenticated, then not found");
        var token = handler.Requests.Single(r => r.Uri.Host == "auth.test");
        Assert.AreEqual(HttpMethod.Post, token.Method);
        var form = token.BodyText.Split('&').Select(Uri.UnescapeDataString).ToList();
        CollectionAssert.Contains(form, "grant_type=refresh_token");
        CollectionAssert.Contains(form, "refresh_token=refresh-me");
        CollectionAssert.Contains(form, "service=registry.test");
    }

    [TestMethod]
    public async Task Pushing_asks_for_pull_and_push_scope()
    {
        var (bytes, blob) = TestImages.Blob("layer");
        var handler = new FakeRegistryHandler(request =>
        {
            if (request.Uri.Host == "auth.test") return FakeRegistryHandler.Json(HttpStatusCode.OK, """{"token":"push-token"}""");
            if (request.Authorization is null) return FakeRegistryHandler.Challenge("""Bearer realm="https://auth.test/token",service="registry.test" """);
            return request.Method.Method switch
            {
                "HEAD" => FakeRegistryHandler.Status(HttpStatusCode.NotFound),
                "POST" => FakeRegistryHandler.Accepted("/v2/team/app/blobs/uploads/u1"),
                _ => FakeRegistryHandler.Status(HttpStatusCode.Created),
            };
        });
        using var client = new RegistryClient(Registry, () => Login, handler);

        await client.PushBlobAsync("team/app", blob, () => new MemoryStream(bytes), null, default);

        var scopes = handler.Requests.Where(r => r.Uri.Host == "auth.test").Select(r => Uri.UnescapeDataString(r.Uri.Query)).ToList();
        Assert.IsTrue(scopes.Any(q => q.Contains("scope=repository:team/app:pull,push", StringComparison.Ordinal)), string.Join("\n", scopes));
    }

    [TestMethod]
    public async Task Basic_challenge_sends_basic_auth_and_keeps_sending_it()
    {
        string basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + Secret));
        var handler = new FakeRegistryHandler(request => request.Authorization == basic
            ? FakeRegistryHandler.Status(HttpStatusCode.NotFound)
            : FakeRegistryHandler.Challenge("Basic realm=\"test\""));
        using var client = new RegistryClient(Registry, () => Login, handler);

        Assert.IsFalse(await client.BlobExistsAsync("team/app", "sha256:" + new string('a', 64), default));
        Assert.IsFalse(await client.BlobExistsAsync("team/app", "sha256:" + new string('b', 64), default));

        Assert.AreEqual(3, handler.Requests.Count, "one 401, then both requests with Basic");
        Assert.AreEqual(basic, handler.Requests[2].Authorization);
    }

    [TestMethod]
    public async Task A_401_after_authenticating_is_DIAM3005_and_names_no_secret()
    {
        var handler = new FakeRegistryHandler(_ => FakeRegistryHandler.Challenge("Basic realm=\"test\""));
        using var client = new RegistryClient(Registry, () => Login, handler);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.BlobExistsAsync("team/app", "sha256:" + new string('a', 64), default));

        Assert.AreEqual(DiagnosticCode.DIAM3005, e.Code);
        StringAssert.Contains(e.Message, Registry);
        StringAssert.Contains(e.Message, "team/app");
        StringAssert.Contains(e.Message, "docker login");
        Assert.IsFalse(e.Message.Contains(Secret, StringComparison.Ordinal));
        Assert.IsFalse(e.Message.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + Secret)), StringComparison.Ordinal));
        Assert.AreEqual(2, handler.Requests.Count, "retried once with the login, then gave up");
    }

    [TestMethod]
    public async Task Refused_token_request_is_DIAM3005_and_names_no_secret()
    {
        var handler = new FakeRegistryHandler(request => request.Uri.Host == "auth.test"
            ? FakeRegistryHandler.Json(HttpStatusCode.Unauthorized, """{"errors":[{"code":"UNAUTHORIZED","message":"bad password"}]}""")
            : FakeRegistryHandler.Challenge(Challenge));
        using var client = new RegistryClient(Registry, () => Login, handler);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => Pull(client, "1.0"));

        Assert.AreEqual(DiagnosticCode.DIAM3005, e.Code);
        Assert.IsFalse(e.Message.Contains(Secret, StringComparison.Ordinal));
        // GET with Basic, then the SDK's fallback: the OAuth2 password grant.
        CollectionAssert.AreEqual(new[] { "GET", "POST" }, handler.Requests.Where(r => r.Uri.Host == "auth.test").Select(r => r.Method.Method).ToArray());
    }

    [TestMethod]
    public async Task Basic_challenge_without_a_login_is_DIAM3005()
    {
        var handler = new FakeRegistryHandler(_ => FakeRegistryHandler.Challenge("Basic realm=\"test\""));
        using var client = new RegistryClient(Registry, () => null, handler);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.BlobExistsAsync("team/app", "sha256:" + new string('a', 64), default));

        Assert.AreEqual(DiagnosticCode.DIAM3005, e.Code);
        StringAssert.Contains(e.Message, "no login");
    }

    [TestMethod]
    public async Task Realm_over_http_for_a_secure_registry_gets_no_credentials()
    {
        var handler = new FakeRegistryHandler(_ => FakeRegistryHandler.Challenge("""Bearer realm="http://auth.test/token",service="registry.test" """));
        bool asked = false;
        using var client = new RegistryClient(Registry, () => { asked = true; return Login; }, handler);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => Pull(client, "1.0"));

        Assert.AreEqual(DiagnosticCode.DIAM3011, e.Code);
        Assert.IsFalse(asked, "the login is not even read for an untrusted realm");
        Assert.IsFalse(handler.Requests.Any(r => r.Uri.Host == "auth.test"));
    }

    [TestMethod]
    public async Task Realm_on_a_loopback_address_is_refused_for_a_remote_registry()
    {
        var handler = new FakeRegistryHandler(_ => FakeRegistryHandler.Challenge("""Bearer realm="https://127.0.0.1:8080/token" """));
        using var client = new RegistryClient(Registry, () => Login, handler);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => Pull(client, "1.0"));

        Assert.AreEqual(DiagnosticCode.DIAM3011, e.Code);
        Assert.AreEqual(1, handler.Requests.Count);
    }

    [TestMethod]
    public async Task Credentials_that_cannot_be_read_are_DIAM3005()
    {
        var handler = new FakeRegistryHandler(_ => FakeRegistryHandler.Challenge("Basic realm=\"test\""));
        using var client = new RegistryClient(Registry, () => throw new InvalidOperationException("helper crashed"), handler);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.BlobExistsAsync("team/app", "sha256:" + new string('a', 64), default));

        Assert.AreEqual(DiagnosticCode.DIAM3005, e.Code);
        StringAssert.Contains(e.Message, "could not be read");
    }
}
