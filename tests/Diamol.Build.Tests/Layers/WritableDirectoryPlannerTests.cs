using Diamol.Build.Diagnostics;
using Diamol.Build.Layers;

namespace Diamol.Build.Tests.Layers;

[TestClass]
public sealed class WritableDirectoryPlannerTests
{
    private static readonly LayerPlan Files = new([
        new Layer(LayerKind.Static, "static", [new LayerFile("/p/wwwroot/site.css", "wwwroot/site.css", 10)]),
        new Layer(LayerKind.App, "app", [new LayerFile("/p/App.dll", "App.dll", 10)]),
    ]);

    private static (int, int) Owner(string forWhat) => (1654, 1654);

    private static LayerPlan Plan(params WritableDirectory[] items) => WritableDirectoryPlanner.AddTo(Files, items, "/app/", Owner);

    private static string Refusal(DiagnosticCode code, Func<object> action)
    {
        var e = Assert.ThrowsExactly<DiamolException>(action);
        Assert.AreEqual(code, e.Code, e.Message);
        return e.Message;
    }

    [TestMethod]
    public void Folders_become_a_first_layer_of_empty_folders_owned_by_the_user_in_their_parent()
    {
        var plan = Plan(new("data"), new("logs/", "0770"), new("/app-cache"), new("data/db", "700"));

        CollectionAssert.AreEqual(new[] { "writable", "writable-2", "static", "app" }, plan.Layers.Select(l => l.Name).ToArray(), "before every file layer, one per parent");
        var rooted = plan.Layers[0];
        Assert.AreEqual("/", rooted.Destination);
        Assert.AreEqual("app-cache", rooted.Directories.Single().RelativePath);
        var inWorkdir = plan.Layers[1];
        Assert.AreEqual(LayerKind.Writable, inWorkdir.Kind);
        Assert.AreEqual("/app/", inWorkdir.Destination);
        Assert.AreEqual(0, inWorkdir.Files.Count);
        CollectionAssert.AreEqual(
            new[]
            {
                new LayerDirectory("data", (UnixFileMode)0b111_101_101, 1654, 1654), new LayerDirectory("data/db", (UnixFileMode)0b111_000_000, 1654, 1654),
                new LayerDirectory("logs", (UnixFileMode)0b111_111_000, 1654, 1654),
            },
            inWorkdir.Directories.ToArray(), "a nested folder goes with the declared folder above it");
    }

    [TestMethod]
    public void No_items_leave_the_plan_as_it_is() =>
        Assert.AreSame(Files, WritableDirectoryPlanner.AddTo(Files, [], "/app/", _ => throw new AssertFailedException("no owner needed")));

    [TestMethod]
    public void A_folder_above_the_working_directory_is_a_parent_that_exists()
    {
        var layer = WritableDirectoryPlanner.AddTo(Files, [new("/srv/data")], "/srv/app/", Owner).Layers[0];
        Assert.AreEqual("/srv/", layer.Destination);
        Assert.AreEqual("data", layer.Directories.Single().RelativePath);
    }

    [TestMethod]
    [DataRow("", "is empty")]
    [DataRow("../data", "without '.' or '..' parts")]
    [DataRow("da ta", "ASCII letters")]
    [DataRow(".", "without '.' or '..' parts")]
    [DataRow("/app", "the working directory or a folder above it")]
    [DataRow("/", "without '.' or '..' parts")]
    [DataRow("/proc/x", "kernel file system")]
    [DataRow("wwwroot", "the publish writes '/app/wwwroot/site.css'")]
    [DataRow("/var/lib/app", "its parent '/var/lib' may not exist")]
    [DataRow("cache/images", "declare '/app/cache' as a DiamolWritableDirectory too")]
    public void A_path_either_builder_could_not_make_the_same_is_refused_naming_the_item(string path, string saying)
    {
        string message = Refusal(DiagnosticCode.DIAM1021, () => Plan(new WritableDirectory(path)));
        StringAssert.Contains(message, $"'{path}'");
        StringAssert.Contains(message, saying);
    }

    [TestMethod]
    [DataRow("0777x", "three octal digits")]
    [DataRow("1777", "three octal digits")]
    [DataRow("0855", "three octal digits")]
    [DataRow("0555", "could not write in it")]
    [DataRow("0644", "could not write in it or enter it")]
    public void A_mode_that_is_not_octal_permissions_the_owner_can_use_is_refused(string mode, string saying)
    {
        string message = Refusal(DiagnosticCode.DIAM1021, () => Plan(new WritableDirectory("data", mode)));
        StringAssert.Contains(message, $"The Mode metadata of the DiamolWritableDirectory item 'data' has the value '{mode}'");
        StringAssert.Contains(message, saying);
    }

    [TestMethod]
    public void One_folder_twice_with_two_modes_is_refused_and_twice_with_one_is_one_folder()
    {
        StringAssert.Contains(Refusal(DiagnosticCode.DIAM1021, () => Plan(new("data"), new("/app/data", "0700"))), "another mode (0755 and 0700)");
        Assert.AreEqual(1, Plan(new("data"), new("/app/data/")).Layers[0].Directories.Count);
    }

    [TestMethod]
    public void A_custom_layer_named_writable_does_not_share_the_folder()
    {
        var plan = new LayerPlan([new Layer(LayerKind.Custom, "writable", [new LayerFile("/p/x", "x", 1)])]);
        Assert.AreEqual("writable-2", WritableDirectoryPlanner.AddTo(plan, [new("data")], "/app/", Owner).Layers[0].Name);
    }
}

[TestClass]
public sealed class ImageUserIdTests
{
    private static readonly Dictionary<string, string> Environment = new() { ["APP_UID"] = "1654", ["NAME"] = "app" };

    [TestMethod]
    [DataRow("1654", 1654, 1654)]
    [DataRow("1654:2000", 1654, 2000)]
    [DataRow("root", 0, 0)]
    [DataRow("0:root", 0, 0)]
    [DataRow("$APP_UID", 1654, 1654)]
    [DataRow("${APP_UID}:0", 1654, 0)]
    public void Numeric_users_root_and_variables_holding_ids_resolve(string user, int uid, int gid) =>
        Assert.AreEqual((uid, gid), ImageUserId.Resolve(user, Environment, "it"));

    [TestMethod]
    [DataRow("app", "'app' is a name")]
    [DataRow("1654:app", "'app' is a name")]
    [DataRow("$NAME", "'app' is a name")]
    [DataRow("$MISSING", "$MISSING is not a variable")]
    public void A_name_is_refused_with_the_numeric_fix(string user, string saying)
    {
        var e = Assert.ThrowsExactly<DiamolException>(() => ImageUserId.Resolve(user, Environment, "DiamolWritableDirectory 'data'"));
        Assert.AreEqual(DiagnosticCode.DIAM1024, e.Code);
        StringAssert.Contains(e.Message, $"ContainerUser '{user}'");
        StringAssert.Contains(e.Message, saying);
        StringAssert.Contains(e.Message, "Set ContainerUser to the numeric id");
    }

    [TestMethod]
    public void An_unknown_user_is_refused_rather_than_guessed()
    {
        var e = Assert.ThrowsExactly<DiamolException>(() => ImageUserId.Resolve(null, Environment, "DiamolWritableDirectory 'data'"));
        Assert.AreEqual(DiagnosticCode.DIAM1024, e.Code);
        StringAssert.Contains(e.Message, "APP_UID");
        StringAssert.Contains(e.Message, "0 for root");
    }
}
