using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// One layer plan, two builders: the engine's build of the Dockerfile and the OCI writer (loaded into the same engine)
/// give images with the same configuration (times aside), the same files with the same modes, and the same layers.
/// The engine's WORKDIR step adds a layer holding only the empty folder; the OCI writer puts the folder in each file
/// layer instead, so layers are compared by the files they hold.
/// </summary>
[TestClass]
public sealed class BuilderParityTests
{
    [TestMethod]
    public void WebPing_is_the_same_from_both_builders() => AssertSame(ConsumerProject.FromSample("WebPing"), TestEnvironment.BaseRuntime);

    [TestMethod]
    public void WebApi_with_a_ProjectReference_is_the_same_from_both_builders() => AssertSame(ConsumerProject.FromSample("WebApi", "Greetings"), TestEnvironment.BaseAspNet);

    [TestMethod]
    public void Self_contained_WebPing_is_the_same_from_both_builders()
    {
        var project = ConsumerProject.FromSample("WebPing");
        project.RuntimeIdentifier = "linux-x64";
        AssertSame(project, TestEnvironment.BaseRuntimeDeps);
    }

    private static void AssertSame(ConsumerProject project, string baseImage)
    {
        string id = Guid.NewGuid().ToString("N")[..8];
        string engine = $"diamol-parity/{project.Name.ToLowerInvariant()}-engine-{id}";
        string oci = $"diamol-parity/{project.Name.ToLowerInvariant()}-oci-{id}";
        try
        {
            project.Publish($"ContainerBaseImage={baseImage}", $"ContainerRepository={engine}", "DiamolBuilder=docker").EnsureSuccess("engine build");
            var ociPublish = project.Publish($"ContainerBaseImage={baseImage}", $"ContainerRepository={oci}", "DiamolBuilder=oci").EnsureSuccess("OCI build");
            StringAssert.Contains(ociPublish.Output, "OCI builder (DiamolBuilder is oci)");

            var a = ImageInspection.Config(engine + ":latest");
            var b = ImageInspection.Config(oci + ":latest");
            foreach (string property in new[] { "Env", "Entrypoint", "Cmd", "WorkingDir", "User", "ExposedPorts" })
            {
                Assert.AreEqual(ImageInspection.Show(a, property), ImageInspection.Show(b, property), $"Config.{property} differs between the builders");
            }

            Assert.AreEqual(ImageParity.Labels(a), ImageParity.Labels(b), "Config.Labels differ between the builders");
            CollectionAssert.AreEqual(ImageInspection.Files(engine + ":latest", "/app"), ImageInspection.Files(oci + ":latest", "/app"), "files under /app differ");
            CollectionAssert.AreEqual(ImageInspection.Modes(engine + ":latest", "/app"), ImageInspection.Modes(oci + ":latest", "/app"), "modes under /app differ");
            CollectionAssert.AreEqual(ImageInspection.FileLayers(engine + ":latest"), ImageInspection.FileLayers(oci + ":latest"), "the layer split differs");
        }
        finally
        {
            ImageInspection.RemoveImages(engine + ":latest", oci + ":latest");
        }
    }
}
