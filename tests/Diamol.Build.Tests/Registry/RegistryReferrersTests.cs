using System.Net;
using System.Text;
using Diamol.Build.Diagnostics;
using Diamol.Build.Common;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Registry;

/// <summary>What the client adds for attachments, over HTTP: the referrers API probe, a manifest read that tolerates 404, and pushes that report OCI-Subject and honour If-Match.</summary>
[TestClass]
public sealed class RegistryReferrersTests
{
    private const string Registry = "registry.test";
    private const string Subject = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    private static HttpResponseMessage NotFound() =>
        FakeRegistryHandler.Json(HttpStatusCode.NotFound, """{"errors":[{"code":"NAME_UNKNOWN","message":"not found"}]}""");

    [TestMethod]
    public async Task A_404_from_the_referrers_API_means_the_registry_has_none()
    {
        var handler = new FakeRegistryHandler(_ => NotFound());
        using var client = new RegistryClient(Registry, () => null, handler);

        Assert.IsNull(await client.GetReferrersAsync("team/app", Subject, default));
        Assert.AreEqual($"/v2/team/app/referrers/{Subject}", handler.Requests.Single().Path);
        StringAssert.Contains(handler.Requests[0].Header("Accept"), MediaTypes.OciIndex);
    }

    [TestMethod]
    public async Task The_referrers_API_answers_an_index()
    {
        string index = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""";
        using var client = new RegistryClient(Registry, () => null, new FakeRegistryHandler(_ => FakeRegistryHandler.Json(HttpStatusCode.OK, index, MediaTypes.OciIndex)));

        var list = await client.GetReferrersAsync("team/app", Subject, default);

        Assert.IsNotNull(list);
        Assert.AreEqual(index, Encoding.UTF8.GetString(list.Bytes));
    }

    [TestMethod]
    public async Task A_referrers_answer_that_is_no_index_breaks_the_protocol()
    {
        using var client = new RegistryClient(Registry, () => null, new FakeRegistryHandler(_ => FakeRegistryHandler.Json(HttpStatusCode.OK, "<html></html>", "text/html")));

        var failure = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.GetReferrersAsync("team/app", Subject, default));

        Assert.AreEqual(DiagnosticCode.DIAM3011, failure.Code);
    }

    [TestMethod]
    public async Task A_missing_manifest_is_null_and_a_present_one_carries_its_ETag()
    {
        byte[] index = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""");
        var handler = new FakeRegistryHandler(request =>
        {
            if (!request.Path.EndsWith("/sha256-present", StringComparison.Ordinal)) return NotFound();
            var response = FakeRegistryHandler.Bytes(index, MediaTypes.OciIndex);
            response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue($"\"{ContentDigest.Of(index)}\"");
            return response;
        });
        using var client = new RegistryClient(Registry, () => null, handler);

        Assert.IsNull(await client.FindManifestAsync("team/app", "sha256-absent", [MediaTypes.OciIndex], default));
        var found = await client.FindManifestAsync("team/app", "sha256-present", [MediaTypes.OciIndex], default);

        Assert.AreEqual($"\"{ContentDigest.Of(index)}\"", found!.ETag);
        Assert.AreEqual(MediaTypes.OciIndex, found.MediaType);
    }

    [TestMethod]
    public async Task A_push_reports_the_OCI_Subject_header_and_sends_If_Match()
    {
        var handler = new FakeRegistryHandler(_ =>
        {
            var response = FakeRegistryHandler.Status(HttpStatusCode.Created);
            response.Headers.TryAddWithoutValidation("OCI-Subject", Subject);
            return response;
        });
        using var client = new RegistryClient(Registry, () => null, handler);

        var put = await client.PushManifestAsync("team/app", "sha256-1111", "{}"u8.ToArray(), MediaTypes.OciIndex, "\"sha256:abc\"", default);

        Assert.AreEqual(Subject, put.Subject);
        Assert.IsFalse(put.PreconditionFailed);
        Assert.AreEqual("\"sha256:abc\"", handler.Requests.Single().Header("If-Match"));
    }

    [TestMethod]
    public async Task A_conditional_push_refused_with_412_pushes_nothing_and_says_so()
    {
        var handler = new FakeRegistryHandler(_ => FakeRegistryHandler.Status(HttpStatusCode.PreconditionFailed));
        using var client = new RegistryClient(Registry, () => null, handler);

        var put = await client.PushManifestAsync("team/app", "sha256-1111", "{}"u8.ToArray(), MediaTypes.OciIndex, "\"sha256:abc\"", default);

        Assert.IsTrue(put.PreconditionFailed);
        Assert.AreEqual(1, handler.Requests.Count, "a 412 is an answer, not a passing failure to retry");
    }
}
