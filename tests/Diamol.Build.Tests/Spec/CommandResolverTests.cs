using Diamol.Build.Diagnostics;
using Diamol.Build.Spec;

namespace Diamol.Build.Tests.Spec;

/// <summary>
/// ENTRYPOINT/CMD follow the SDK's rules. The expected values are what PublishContainer of the .NET 10.0.401 SDK
/// produced for the same settings on a base image without an entrypoint.
/// </summary>
[TestClass]
public sealed class CommandResolverTests
{
    private static readonly BaseImageFacts NoEntrypoint = new(null, [], null);

    private static ContainerSpecInput Input(string instruction = "", string[]? ac = null, string[]? aca = null, string[]? c = null, string[]? e = null, string[]? ea = null) => new()
    {
        AppCommand = ac ?? ["dotnet", "/app/App.dll"],
        AppCommandArgs = aca ?? [],
        DefaultArgs = c ?? [],
        AppCommandInstruction = instruction,
        Entrypoint = e ?? [],
        EntrypointArgs = ea ?? [],
    };

    private static string Show(IReadOnlyList<string>? values) => values is null ? "null" : "[" + string.Join(",", values) + "]";

    private static (string, string) Resolve(ContainerSpecInput input, BaseImageFacts? facts = null)
    {
        var (entrypoint, command) = CommandResolver.Resolve(input, facts ?? NoEntrypoint, new List<Diagnostic>());
        return (Show(entrypoint), Show(command));
    }

    [TestMethod]
    public void Default_puts_the_app_command_in_the_entrypoint() =>
        Assert.AreEqual(("[dotnet,/app/App.dll]", "null"), Resolve(Input()));

    [TestMethod]
    public void Default_with_app_command_args_and_default_args() =>
        Assert.AreEqual(("[dotnet,/app/App.dll,--bar]", "[--foo]"), Resolve(Input(aca: ["--bar"], c: ["--foo"])));

    [TestMethod]
    public void DefaultArgs_puts_everything_in_cmd() =>
        Assert.AreEqual(("[]", "[dotnet,/app/App.dll,--bar,--foo]"), Resolve(Input("DefaultArgs", aca: ["--bar"], c: ["--foo"])));

    [TestMethod]
    public void None_keeps_only_default_args() =>
        Assert.AreEqual(("[]", "[--foo]"), Resolve(Input("None", ac: [], c: ["--foo"])));

    [TestMethod]
    public void None_with_nothing_has_neither() =>
        Assert.AreEqual(("[]", "null"), Resolve(Input("None", ac: [])));

    [TestMethod]
    public void Legacy_entrypoint_makes_the_app_command_the_cmd() =>
        Assert.AreEqual(("[/bin/sh,-c]", "[dotnet,/app/App.dll,--foo]"), Resolve(Input(e: ["/bin/sh"], ea: ["-c"], c: ["--foo"])));

    [TestMethod]
    public void Legacy_entrypoint_args_alone_become_the_cmd() =>
        Assert.AreEqual(("[dotnet,/app/App.dll]", "[x]"), Resolve(Input(ea: ["x"])));

    [TestMethod]
    public void DefaultArgs_keeps_the_base_entrypoint()
    {
        var facts = new BaseImageFacts(null, [], ["/entry.sh"]);
        Assert.AreEqual(("[/entry.sh]", "[dotnet,/app/App.dll]"), Resolve(Input("DefaultArgs"), facts));
    }

    [TestMethod]
    public void A_dotnet_only_base_entrypoint_counts_as_none() =>
        Assert.AreEqual(("[]", "[--x]"), Resolve(Input("None", ac: [], c: ["--x"]), new BaseImageFacts(null, [], ["dotnet"])));

    [TestMethod]
    public void Without_an_inspected_base_image_its_entrypoint_is_left_alone()
    {
        var (entrypoint, command) = CommandResolver.Resolve(Input("DefaultArgs"), null, new List<Diagnostic>());
        Assert.IsNull(entrypoint);
        Assert.AreEqual("[dotnet,/app/App.dll]", Show(command));
    }

    [TestMethod]
    public void Replacing_a_base_entrypoint_by_default_warns()
    {
        var warnings = new List<Diagnostic>();
        CommandResolver.Resolve(Input(), new BaseImageFacts(null, [], ["/entry.sh"]), warnings);
        Assert.AreEqual(DiagnosticCode.DIAM1012, warnings.Single().Code);
    }

    [TestMethod]
    [DataRow("None", true, false, false)]
    [DataRow("Entrypoint", false, true, false)]
    [DataRow("", false, false, true)]
    [DataRow("Sideways", false, false, false)]
    public void Settings_that_do_not_combine_are_refused(string instruction, bool withAppCommand, bool withLegacy, bool argsWithoutCommand)
    {
        var input = Input(instruction,
            ac: withAppCommand || !argsWithoutCommand ? ["dotnet", "/app/App.dll"] : [],
            aca: argsWithoutCommand ? ["--x"] : [],
            e: withLegacy ? ["/bin/sh"] : []);
        if (instruction == "None" && !withAppCommand) input = input with { AppCommand = [] };
        var e = Assert.ThrowsExactly<DiamolException>(() => CommandResolver.Resolve(input, NoEntrypoint, new List<Diagnostic>()));
        Assert.AreEqual(DiagnosticCode.DIAM1010, e.Code);
    }
}
