using System.Diagnostics;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// An engine that goes silent or whose connection is cut, at the build and at the base image's inspection, through a
/// loopback proxy that fails the connection (not the engine): the publish ends in bounded time with the code for the
/// fault, names the engine and the step, and leaves no record or artifact that describes an image.
/// </summary>
[TestClass]
public sealed class EngineFaultTests
{
    [TestMethod]
    public void An_engine_that_goes_silent_during_the_build_fails_the_publish_after_the_idle_time_out() =>
        AssertFault(@"/build\?", Fault.Stall, "DIAM3014", "building the image", "sent nothing for 5 seconds");

    [TestMethod]
    public void A_connection_cut_during_the_build_is_reported_as_a_broken_connection() =>
        AssertFault(@"/build\?", Fault.Drop, "DIAM3015", "building the image", "broke");

    [TestMethod]
    public void An_engine_that_goes_silent_while_the_base_image_is_inspected_fails_the_publish() =>
        AssertFault("GET [^ ]*/images/", Fault.Stall, "DIAM3014", "inspecting", "sent nothing for 5 seconds");

    /// <summary>
    /// A real engine killed (SIGKILL) during a RUN step: the second engine of eng/provision.sh, never the shared one,
    /// started again afterwards. The cut connection is DIAM3015 naming that engine, not DIAM9001 or a hang.
    /// </summary>
    [TestMethod]
    public void An_engine_killed_mid_build_is_reported_as_a_broken_connection()
    {
        const string engine = "unix:///run/diamol-engine2/docker.sock";
        ProcessRunner.Run("diamol-engine2", ["start"], timeout: TimeSpan.FromMinutes(2)).EnsureSuccess("starting the second engine (eng/provision.sh installs it)");
        var project = ConsumerProject.FromSample("WebPing");
        project.AddToProject(
            "  <ItemGroup>\n    <DiamolInstruction Include=\"slow\" Instruction=\"RUN sleep 300\" Placement=\"AfterFiles\" />\n  </ItemGroup>\n");
        var environment = new Dictionary<string, string?> { ["DOCKER_HOST"] = engine };
        try
        {
            using var publish = project.StartPublishWith(environment, $"ContainerBaseImage={TestEnvironment.BaseRuntime}",
                "ContainerRepository=diamol-fault/killed-" + Guid.NewGuid().ToString("N")[..8]);
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
            while (ProcessRunner.Run("docker", ["-H", engine, "ps", "-q"]).Output.Trim().Length == 0)
            {
                Assert.IsTrue(DateTime.UtcNow < deadline, "the RUN step never started:\n" + publish.Output);
                Assert.IsFalse(publish.WaitForExit(TimeSpan.FromMilliseconds(500)), "the publish ended before the RUN step:\n" + publish.Output);
            }

            ProcessRunner.Run("diamol-engine2", ["kill"]).EnsureSuccess("killing the second engine");
            Assert.IsTrue(publish.WaitForExit(TimeSpan.FromMinutes(2)), "the publish hung after the engine was killed:\n" + publish.Output);
            Assert.AreNotEqual(0, publish.ExitCode);
            StringAssert.Contains(publish.Output, "error DIAM3015", publish.Output);
            StringAssert.Contains(publish.Output, engine);
            StringAssert.Contains(publish.Output, "building the image");
            Assert.IsFalse(publish.Output.Contains("DIAM9001", StringComparison.Ordinal), publish.Output);
            Assert.IsFalse(File.Exists(Path.Combine(project.ContainerFolder, ".diamol", "build.json")), "a build record was written for a build that did not finish");
            Assert.IsFalse(File.Exists(Path.Combine(project.ContainerFolder, "image.json")), "image.json was written for a build that did not finish");
        }
        finally
        {
            ProcessRunner.Run("diamol-engine2", ["start"], timeout: TimeSpan.FromMinutes(2)).EnsureSuccess("starting the second engine again");
        }
    }

    private static void AssertFault(string request, Fault fault, string code, string step, string what)
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "diamol-fault/" + Guid.NewGuid().ToString("N")[..8];
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", "DiamolBuilder=docker", "DiamolIdleTimeout=5"];
        // A good publish first, so there is an earlier image whose record and image.json must not survive the fault.
        project.Publish(properties).EnsureSuccess("the publish before the fault");
        Assert.IsTrue(File.Exists(Path.Combine(project.ContainerFolder, "image.json")));
        File.AppendAllText(Path.Combine(project.Directory, "Program.cs"), "\n// changed before the fault\n");
        int containersBefore = ImageInspection.Containers();
        using var proxy = FaultProxy.ForEngine(request, fault);
        var clock = Stopwatch.StartNew();
        var result = project.PublishWith(new Dictionary<string, string?> { ["DOCKER_HOST"] = proxy.Host }, properties);
        clock.Stop();
        try
        {
            Assert.IsTrue(proxy.Triggered > 0, "the fault never happened: no request matched " + request);
            Assert.AreNotEqual(0, result.ExitCode, result.All);
            StringAssert.Contains(result.Output, "error " + code, result.Output);
            StringAssert.Contains(result.Output, proxy.Host.Replace("tcp://", ""), "the message names the engine");
            StringAssert.Contains(result.Output, step);
            StringAssert.Contains(result.Output, what);
            Assert.IsFalse(result.Output.Contains("DIAM9001", StringComparison.Ordinal), result.Output);
            Assert.IsTrue(clock.Elapsed < TimeSpan.FromMinutes(3), $"the publish took {clock.Elapsed}: the time-out did not bound it");
            // The closed connection makes the engine cancel the build and remove its intermediate container.
            var settle = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (ImageInspection.Containers() != containersBefore && DateTime.UtcNow < settle) Thread.Sleep(500);
            Assert.AreEqual(containersBefore, ImageInspection.Containers(), "the fault left containers behind");
            // The build record goes when a build starts; a fault before it (the base image's inspection) leaves the
            // staged context and its record as they were, still consistent with each other.
            string record = Path.Combine(project.ContainerFolder, ".diamol", "build.json");
            if (step == "building the image") Assert.IsFalse(File.Exists(record), "the earlier build record survived a build that did not finish");
            Assert.IsFalse(File.Exists(Path.Combine(project.ContainerFolder, "image.json")), "the earlier image.json survived a failed publish");
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

}
