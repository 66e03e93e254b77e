using Diamol.Build.Spec;

namespace Diamol.Build.Tests.Spec;

[TestClass]
public sealed class ImageReferenceTests
{
    [TestMethod]
    [DataRow("mcr.microsoft.com/dotnet/runtime:10.0", "mcr.microsoft.com", "dotnet/runtime", "10.0", null)]
    [DataRow("localhost:5000/dotnet/aspnet:10.0", "localhost:5000", "dotnet/aspnet", "10.0", null)]
    [DataRow("ubuntu", null, "ubuntu", null, null)]
    [DataRow("library/ubuntu:22.04", null, "library/ubuntu", "22.04", null)]
    [DataRow("localhost/app", "localhost", "app", null, null)]
    [DataRow("[::1]:5000/app:v1", "[::1]:5000", "app", "v1", null)]
    [DataRow("ghcr.io/a/b/c@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "ghcr.io", "a/b/c", null,
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Parses_valid_references(string text, string? registry, string repository, string? tag, string? digest)
    {
        var reference = ImageReference.TryParse(text, out string? error);
        Assert.IsNull(error);
        Assert.AreEqual(new ImageReference(registry, repository, tag, digest), reference);
        Assert.AreEqual(text, reference!.ToString());
    }

    [TestMethod]
    [DataRow("", "empty")]
    [DataRow("Ubuntu", "repository")]
    [DataRow("ubuntu:", "tag")]
    [DataRow("ubuntu:-bad", "tag")]
    [DataRow("ubuntu latest", "repository")]
    [DataRow("app\nRUN rm -rf /", "registry")]
    [DataRow("app@sha256:short", "digest")]
    [DataRow("bad_host:5000/app", "registry")]
    [DataRow("a//b", "repository")]
    public void Rejects_invalid_references_with_a_reason(string text, string reasonWord)
    {
        Assert.IsNull(ImageReference.TryParse(text, out string? error));
        StringAssert.Contains(error, reasonWord);
    }

    [TestMethod]
    public void Tags_are_limited_to_128_characters()
    {
        Assert.IsTrue(ImageReference.IsValidTag(new string('a', 128)));
        Assert.IsFalse(ImageReference.IsValidTag(new string('a', 129)));
        Assert.IsFalse(ImageReference.IsValidTag("é"));
    }
}
