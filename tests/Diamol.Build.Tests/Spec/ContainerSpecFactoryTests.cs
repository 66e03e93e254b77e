using Diamol.Build.Diagnostics;
using Diamol.Build.Spec;

namespace Diamol.Build.Tests.Spec;

[TestClass]
public sealed class ContainerSpecFactoryTests
{
    internal static ContainerSpecInput Valid => new()
    {
        BaseImage = "localhost:5000/dotnet/runtime:10.0",
        Repository = "webping",
        Tags = ["latest"],
        WorkingDirectory = "/app/",
        AppCommand = ["dotnet", "/app/WebPing.dll"],
    };

    private static DiamolException Refused(ContainerSpecInput input) =>
        Assert.ThrowsExactly<DiamolException>(() => ContainerSpecFactory.Create(input, null, new List<Diagnostic>()));

    [TestMethod]
    public void A_valid_input_gives_the_spec()
    {
        var spec = ContainerSpecFactory.Create(Valid with { Registry = "localhost:5000", Tags = ["1.0", "latest", "1.0"] }, null, new List<Diagnostic>());
        Assert.AreEqual("localhost:5000/webping", spec.Repository);
        CollectionAssert.AreEqual(new[] { "1.0", "latest" }, spec.Tags.ToArray(), "in order, once each");
        CollectionAssert.AreEqual(new[] { "dotnet", "/app/WebPing.dll" }, spec.Entrypoint!.ToArray());
        Assert.IsNull(spec.Command);
    }

    [TestMethod]
    public void An_inferred_app_command_gets_the_slash_a_working_directory_without_one_lacks()
    {
        // The SDK infers $(ContainerWorkingDirectory)$(TargetFileName): '/srv/app' gives '/srv/appweb.dll'.
        var spec = ContainerSpecFactory.Create(Valid with { WorkingDirectory = "/srv/app", AppCommand = ["dotnet", "/srv/appweb.dll"], AppCommandInferred = true }, null, new List<Diagnostic>());
        CollectionAssert.AreEqual(new[] { "dotnet", "/srv/app/web.dll" }, spec.Entrypoint!.ToArray());
        Assert.AreEqual("/srv/app", spec.WorkingDirectory);

        var selfContained = ContainerSpecFactory.Create(Valid with { WorkingDirectory = "/srv/app", AppCommand = ["/srv/appweb"], AppCommandInferred = true }, null, new List<Diagnostic>());
        CollectionAssert.AreEqual(new[] { "/srv/app/web" }, selfContained.Entrypoint!.ToArray());
    }

    [TestMethod]
    public void An_app_command_the_project_wrote_is_kept_exactly()
    {
        var spec = ContainerSpecFactory.Create(Valid with { WorkingDirectory = "/srv/app", AppCommand = ["/srv/appliance"], AppCommandInferred = false }, null, new List<Diagnostic>());
        CollectionAssert.AreEqual(new[] { "/srv/appliance" }, spec.Entrypoint!.ToArray());
    }

    [TestMethod]
    public void Bad_base_image_names_the_property_and_value()
    {
        var e = Refused(Valid with { BaseImage = "Not A Reference" });
        Assert.AreEqual(DiagnosticCode.DIAM1001, e.Code);
        StringAssert.Contains(e.Message, "ContainerBaseImage");
        StringAssert.Contains(e.Message, "'Not A Reference'");
    }

    [TestMethod]
    [DataRow("1BAD")]
    [DataRow("A-B")]
    [DataRow("A B")]
    [DataRow("")]
    public void Bad_environment_names_are_refused(string name)
    {
        var e = Refused(Valid with { Environment = [new NameValue(name, "x")] });
        Assert.AreEqual(DiagnosticCode.DIAM1003, e.Code);
        StringAssert.Contains(e.Message, "ContainerEnvironmentVariable");
    }

    [TestMethod]
    [DataRow("zqline1\nline2")]
    [DataRow("zqcr\r")]
    [DataRow("zqnul\0")]
    public void Values_a_Dockerfile_cannot_carry_are_refused(string value)
    {
        var e = Refused(Valid with { Environment = [new NameValue("A", value)] });
        Assert.AreEqual(DiagnosticCode.DIAM1005, e.Code);
        StringAssert.Contains(e.Message, "'A'");
        Assert.IsFalse(e.Message.Contains("zq", StringComparison.Ordinal), "the value must not be printed");
    }

    [TestMethod]
    public void Secret_looking_names_warn()
    {
        var warnings = new List<Diagnostic>();
        ContainerSpecFactory.Create(Valid with
        {
            Environment = [new NameValue("DB_PASSWORD", "x"), new NameValue("TARGET", "y")],
            Labels = [new NameValue("api-key.token", "z")],
        }, null, warnings);
        Assert.AreEqual(2, warnings.Count);
        Assert.IsTrue(warnings.All(w => w.Code == DiagnosticCode.DIAM1009));
        StringAssert.Contains(warnings[0].Message, "DB_PASSWORD");
    }

    [TestMethod]
    [DataRow("0", "tcp")]
    [DataRow("65536", "tcp")]
    [DataRow("80", "sctp")]
    [DataRow("http", "")]
    public void Bad_ports_are_refused(string port, string type)
    {
        Assert.AreEqual(DiagnosticCode.DIAM1006, Refused(Valid with { Ports = [new NameValue(port, type)] }).Code);
    }

    [TestMethod]
    public void Ports_default_to_tcp()
    {
        var spec = ContainerSpecFactory.Create(Valid with { Ports = [new NameValue("8080", ""), new NameValue("53", "UDP")] }, null, new List<Diagnostic>());
        CollectionAssert.AreEqual(new[] { "8080/tcp", "53/udp" }, spec.Ports.Select(p => p.ToString()).ToArray());
    }

    [TestMethod]
    public void Volatile_labels_are_kept_apart()
    {
        var spec = ContainerSpecFactory.Create(Valid with
        {
            Labels = [new NameValue("org.opencontainers.image.created", "now"), new NameValue("team", "a")],
        }, null, new List<Diagnostic>());
        Assert.AreEqual("team", spec.StableLabels.Single().Name);
        Assert.AreEqual("org.opencontainers.image.created", spec.VolatileLabels.Single().Name);
    }

    [TestMethod]
    [DataRow("app")]
    [DataRow("/app dir")]
    [DataRow("/app/$HOME")]
    [DataRow("/app/\"x\"")]
    [DataRow("/app/../etc/")]
    [DataRow("/srv/./app")]
    [DataRow("/..")]
    [DataRow("/proc")]
    [DataRow("/sys/app/")]
    [DataRow("//dev/")]
    public void Working_directories_that_are_not_plain_absolute_paths_are_refused(string directory)
    {
        var e = Refused(Valid with { WorkingDirectory = directory });
        Assert.AreEqual(DiagnosticCode.DIAM1007, e.Code);
        StringAssert.Contains(e.Message, "ContainerWorkingDirectory");
    }

    [TestMethod]
    [DataRow("/app/proc/")]
    [DataRow("/devices/")]
    [DataRow("/srv/sys")]
    public void Folders_only_named_like_kernel_file_systems_are_fine(string directory) =>
        Assert.AreEqual(directory, ContainerSpecFactory.Create(Valid with { WorkingDirectory = directory }, null, new List<Diagnostic>()).WorkingDirectory);

    [TestMethod]
    [DataRow("app", true)]
    [DataRow("1654:1654", true)]
    [DataRow("$APP_UID", true)]
    [DataRow("root\nRUN x", false)]
    [DataRow("a b", false)]
    public void User_rules(string user, bool valid)
    {
        if (valid)
        {
            Assert.AreEqual(user, ContainerSpecFactory.Create(Valid with { User = user }, null, new List<Diagnostic>()).User);
        }
        else
        {
            Assert.AreEqual(DiagnosticCode.DIAM1008, Refused(Valid with { User = user }).Code);
        }
    }

    [TestMethod]
    [DataRow("FROM other", "ContainerBaseImage")]
    [DataRow("COPY a b", "DiamolLayer")]
    [DataRow("USER root", "ContainerUser")]
    [DataRow("CMD [\"x\"]", "ContainerDefaultArgs")]
    [DataRow("RUN --mount=type=cache,target=/x true", "BuildKit")]
    [DataRow("RUN cat <<EOF", "BuildKit")]
    [DataRow("RUN a\nRUN b", "one line")]
    [DataRow("FETCH x", "one of")]
    [DataRow("RUN", "one of")]
    [DataRow("RUN true \\", "backslash")]
    [DataRow("EXPOSE http", "the engine would refuse it (Invalid containerPort: http)")]
    [DataRow("SHELL /bin/bash -c", "JSON form")]
    [DataRow("HEALTHCHECK --every=5s CMD true", "Unknown flag: every")]
    public void Custom_instructions_that_cannot_be_placed_are_refused(string text, string hint)
    {
        var e = Refused(Valid with { Instructions = [("mine", text, "")] });
        Assert.AreEqual(DiagnosticCode.DIAM1011, e.Code);
        StringAssert.Contains(e.Message, "DiamolInstruction 'mine'");
        StringAssert.Contains(e.Message, hint);
    }

    [TestMethod]
    public void Custom_instruction_placement_must_be_known()
    {
        var e = Refused(Valid with { Instructions = [("mine", "RUN true", "Somewhere")] });
        Assert.AreEqual(DiagnosticCode.DIAM1011, e.Code);
        StringAssert.Contains(e.Message, "AfterFrom, BeforeFiles, BeforeApp, AfterFiles");
    }

    [TestMethod]
    public void A_variable_name_is_a_letter_or_underscore_then_ascii_letters_digits_and_underscores()
    {
        foreach (string name in new[] { "A", "_x", "MY_SETTING_2" }) Assert.IsTrue(ContainerSpecFactory.IsVariableName(name), name);
        foreach (string name in new[] { "", "2A", "A-B", "A B", "É" }) Assert.IsFalse(ContainerSpecFactory.IsVariableName(name), name);
    }
}
