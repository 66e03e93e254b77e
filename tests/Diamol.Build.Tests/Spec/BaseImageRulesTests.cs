using Diamol.Build.Diagnostics;
using Diamol.Build.Dockerfile;
using Diamol.Build.Layers;
using Diamol.Build.Spec;

namespace Diamol.Build.Tests.Spec;

/// <summary>The rules that depend on the base image: user, ports, digest pin and label, as the SDK applies them.</summary>
[TestClass]
public sealed class BaseImageRulesTests
{
    private const string Digest = "sha256:5c3b71c8aa0f2a2dd40f8e3bd0e5e0c5a54ac2b2f5d7c0c1e3b7d6e1f0a9b8c7";

    private static readonly BaseImageFacts Microsoft = new(Digest,
        ["PATH=/usr/bin", "APP_UID=1654", "ASPNETCORE_HTTP_PORTS=8080", "DOTNET_RUNNING_IN_CONTAINER=true"], null);

    private static ContainerSpec Create(ContainerSpecInput input, BaseImageFacts? facts = null) =>
        ContainerSpecFactory.Create(input, facts ?? Microsoft, new List<Diagnostic>());

    [TestMethod]
    public void The_user_comes_from_APP_UID_unless_ContainerUser_is_set()
    {
        Assert.AreEqual("1654", Create(ContainerSpecFactoryTests.Valid).User);
        Assert.AreEqual("app", Create(ContainerSpecFactoryTests.Valid with { User = "app" }).User);
        Assert.AreEqual("4242", Create(ContainerSpecFactoryTests.Valid with { Environment = [new NameValue("APP_UID", "4242")] }).User);
        Assert.IsNull(Create(ContainerSpecFactoryTests.Valid, new BaseImageFacts(null, ["PATH=/bin"], null)).User, "no APP_UID: no USER line, so the base image's own user stays in effect");
    }

    [TestMethod]
    public void Ports_are_inferred_from_the_aspnet_environment()
    {
        CollectionAssert.AreEqual(new[] { "8080/tcp" }, Create(ContainerSpecFactoryTests.Valid).Ports.Select(p => p.ToString()).ToArray());
        var https = Create(ContainerSpecFactoryTests.Valid with { Environment = [new NameValue("ASPNETCORE_HTTPS_PORTS", "8443; 9443")] });
        CollectionAssert.AreEqual(new[] { "8080/tcp", "8443/tcp", "9443/tcp" }, https.Ports.Select(p => p.ToString()).ToArray());
        var urls = Create(ContainerSpecFactoryTests.Valid with { Environment = [new NameValue("ASPNETCORE_URLS", "http://+:5000;https://localhost:5001;bogus")] });
        CollectionAssert.AreEqual(new[] { "5000/tcp", "5001/tcp" }, urls.Ports.Select(p => p.ToString()).ToArray());
    }

    [TestMethod]
    public void FROM_is_pinned_to_the_index_and_the_label_names_the_platforms_manifest_as_PublishContainers()
    {
        const string manifest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
        var spec = Create(ContainerSpecFactoryTests.Valid, Microsoft with { ManifestDigest = manifest });
        Assert.AreEqual("localhost:5000/dotnet/runtime:10.0@" + Digest, spec.FromReference);
        Assert.AreEqual(manifest, spec.StableLabels.Single(l => l.Name == "org.opencontainers.image.base.digest").Value);
    }

    [TestMethod]
    public void The_base_digest_pins_FROM_and_is_labelled()
    {
        var spec = Create(ContainerSpecFactoryTests.Valid);
        Assert.AreEqual("localhost:5000/dotnet/runtime:10.0@" + Digest, spec.FromReference);
        Assert.AreEqual(Digest, spec.StableLabels.Single(l => l.Name == "org.opencontainers.image.base.digest").Value);
        var text = DockerfileWriter.Write(spec, new LayerPlan([]), "P", "1").Text;
        StringAssert.Contains(text, "FROM localhost:5000/dotnet/runtime:10.0@" + Digest + "\n");

        var unlabelled = Create(ContainerSpecFactoryTests.Valid with { GenerateBaseDigestLabel = false });
        Assert.IsFalse(unlabelled.StableLabels.Any(l => l.Name == "org.opencontainers.image.base.digest"));
    }

    [TestMethod]
    public void Generate_labels_false_drops_every_label_as_the_sdk_does()
    {
        var spec = Create(ContainerSpecFactoryTests.Valid with { GenerateLabels = false, Labels = [new NameValue("team", "a")] });
        Assert.AreEqual(0, spec.StableLabels.Count + spec.VolatileLabels.Count);
    }

    [TestMethod]
    public void Without_facts_nothing_is_inferred()
    {
        var spec = ContainerSpecFactory.Create(ContainerSpecFactoryTests.Valid, null, new List<Diagnostic>());
        Assert.IsNull(spec.User);
        Assert.AreEqual(0, spec.Ports.Count);
        Assert.AreEqual("localhost:5000/dotnet/runtime:10.0", spec.FromReference);
    }
}
