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

    /// <summary>
    /// The project's own config instructions, with quoting, escapes and variables the engine resolves in its own way,
    /// are applied by the OCI writer exactly as the engine applies them; RUN is the only instruction that needs the engine.
    /// </summary>
    [TestMethod]
    public void Own_config_instructions_are_the_same_from_both_builders()
    {
        var project = ConsumerProject.FromSample("WebPing");
        (string Text, string Placement)[] instructions =
        [
            ("ARG GREETING=\"hello world\"", "AfterFrom"),
            ("ENV GREETING_TEXT=\"$GREETING, it's \\\"quoted\\\"\" PLAIN=a\\ b LITERAL='$HOME stays' DEFAULTED=${MISSING:-fallback} BACKSLASH=\"c:\\dir\"", "AfterFrom"),
            ("ENV LEGACY  two  spaced  words", "AfterFrom"),
            ("LABEL \"org.example.note\"=\"semi;colon & <angle> \\$dollar @at %percent\" other=${GREETING:+set}", "BeforeFiles"),
            ("WORKDIR /usr/share", "BeforeFiles"),
            ("WORKDIR ../lib/./x86_64-linux-gnu", "BeforeFiles"),
            ("EXPOSE 8000-8002/udp 127.0.0.1:90:9090", "BeforeApp"),
            ("VOLUME [\"/data\", \"/cache\"]", "AfterFiles"),
            ("VOLUME /logs", "AfterFiles"),
            ("STOPSIGNAL SIGINT", "AfterFiles"),
            ("HEALTHCHECK --interval=1m30s --timeout=5s --retries=3 CMD wget -q -O- http://localhost/ || exit 1", "AfterFiles"),
            ("SHELL [\"/bin/sh\", \"-eu\", \"-c\"]", "AfterFiles"),
        ];
        project.AddToProject(
            "  <ItemGroup>\n" + string.Concat(instructions.Select((i, n) =>
                $"    <DiamolInstruction Include=\"own{n}\" Instruction=\"{Attribute(i.Text)}\" Placement=\"{i.Placement}\" />\n")) + "  </ItemGroup>\n");
        AssertSame(project, TestEnvironment.BaseRuntime, ["Volumes", "StopSignal", "Healthcheck", "Shell"]);
    }

    // An XML attribute value that MSBuild reads back literally.
    private static string Attribute(string text) => System.Security.SecurityElement.Escape(
        text.Replace("%", "%25").Replace("$", "%24").Replace("@", "%40").Replace(";", "%3B").Replace("'", "%27").Replace("*", "%2A").Replace("?", "%3F"))!;

    private static void AssertSame(ConsumerProject project, string baseImage, string[]? more = null)
    {
        string id = Guid.NewGuid().ToString("N")[..8];
        string engine = $"diamol-parity/{project.Name.ToLowerInvariant()}-engine-{id}";
        string oci = $"diamol-parity/{project.Name.ToLowerInvariant()}-oci-{id}";
        try
        {
            project.Publish($"ContainerBaseImage={baseImage}", $"ContainerRepository={engine}", "DiamolBuilder=docker").EnsureSuccess("engine build");
            var ociPublish = project.Publish($"ContainerBaseImage={baseImage}", $"ContainerRepository={oci}", "DiamolBuilder=oci", "-v:n").EnsureSuccess("OCI build");
            StringAssert.Contains(ociPublish.Output, "OCI builder (DiamolBuilder is oci)");

            var a = ImageInspection.Config(engine + ":latest");
            var b = ImageInspection.Config(oci + ":latest");
            foreach (string property in (string[])["Env", "Entrypoint", "Cmd", "WorkingDir", "User", "ExposedPorts", .. more ?? []])
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
