using Diamol.Build.Common;
using System.Text;
using Diamol.Build.Attachments;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Attachments;

[TestClass]
public sealed class AttachmentSubjectsTests
{
    [TestMethod]
    public void An_image_manifest_is_its_own_subject()
    {
        byte[] manifest = "{}"u8.ToArray();

        var subjects = AttachmentSubjects.Of(manifest, MediaTypes.DockerManifest, ContentDigest.Of(manifest));

        CollectionAssert.AreEqual(new[] { new BlobDescriptor(MediaTypes.DockerManifest, ContentDigest.Of(manifest), 2) }, subjects.ToArray());
    }

    [TestMethod]
    public void An_index_gives_each_platform_manifest_and_not_its_attestation_entries()
    {
        string amd64 = "sha256:" + new string('1', 64);
        string arm64 = "sha256:" + new string('2', 64);
        string attestation = "sha256:" + new string('3', 64);
        byte[] index = Encoding.UTF8.GetBytes($$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
            {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{amd64}}}","size":10,"platform":{"os":"linux","architecture":"amd64"}},
            {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{arm64}}}","size":11,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
            {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{attestation}}}","size":12,"platform":{"os":"unknown","architecture":"unknown"}}]}
            """);

        var subjects = AttachmentSubjects.Of(index, MediaTypes.OciIndex, ContentDigest.Of(index));

        CollectionAssert.AreEqual(new[]
        {
            new BlobDescriptor(MediaTypes.OciManifest, amd64, 10),
            new BlobDescriptor(MediaTypes.OciManifest, arm64, 11),
        }, subjects.ToArray());
    }
}
