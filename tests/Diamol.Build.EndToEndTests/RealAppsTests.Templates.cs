namespace Diamol.Build.EndToEndTests;

/// <summary>
/// The rest of the SDK's templates people start from: an F# web app with an F# library, a gRPC service called for
/// real, and a Native AOT API. The same rules as the other real apps (see <see cref="RealAppsTests"/>): each starts as
/// the image's non-root user, matches PublishContainer's configuration and files, and an edit re-ships at most its bound.
/// </summary>
public sealed partial class RealAppsTests
{
    [TestMethod]
    public void FSharp_web_app_with_an_FSharp_library()
    {
        var project = ConsumerProject.FromTemplates("RealFSharp", "Site", t =>
        {
            t.New("web", "Site", ["-lang", "F#"]);
            t.New("classlib", "Lib", ["-lang", "F#"]);
            t.Reference("Site", "Lib");
            t.Edit("Lib/Library.fs", text => text.Replace("module Say =", "module Say =\n    let greeting () = \"Hello from an F# library\"\n"));
            t.Edit("Site/Program.fs", text => text.Replace("fun () -> \"Hello World!\"", "fun () -> Lib.Say.greeting ()"));
        });
        using var app = new RealApp(project, TestEnvironment.BaseAspNet);
        app.PublishAndCompareWithSdk();
        Assert.AreEqual("Hello from an F# library", ContainerProbe.Call(app.Ours, port => GetString(port, "/")));
        Assert.AreEqual("packages", app.Current.LayerOfFile["FSharp.Core.dll"], "FSharp.Core comes from its NuGet package");
        Assert.AreEqual("projects", app.Current.LayerOfFile["Lib.dll"]);

        app.EditAndMeasure("one route in the app", t => t.Edit("Site/Program.fs", text => text.Replace("    app.Run()",
            "    app.MapGet(\"/edited\", Func<string>(fun () -> \"edited\")) |> ignore\n    app.Run()")), "app");
        app.EditAndMeasure("one line in the referenced F# library", t => t.Edit("Lib/Library.fs", text => text.Replace("Hello from", "Hello again from")), "projects");
        Assert.AreEqual("Hello again from an F# library", ContainerProbe.Call(app.Ours, port => GetString(port, "/")));
    }

    [TestMethod]
    public void Grpc_service_answers_a_real_call()
    {
        var project = ConsumerProject.FromTemplates("RealGrpc", "Greet", t => t.New("grpc", "Greet", []));
        using var app = new RealApp(project, TestEnvironment.BaseAspNet);
        app.PublishAndCompareWithSdk();
        Assert.AreEqual("Hello Diamol", ContainerProbe.Call(app.Ours, port => GrpcCall.SayHello(port, "Diamol")));
        Assert.AreEqual("packages", app.Current.LayerOfFile["Grpc.AspNetCore.Server.dll"]);

        app.EditAndMeasure("one line in the service", t => t.Edit("Greet/Services/GreeterService.cs",
            text => text.Replace("\"Hello \" + request.Name", "\"Hello, \" + request.Name")), "app");
        Assert.AreEqual("Hello, Diamol", ContainerProbe.Call(app.Ours, port => GrpcCall.SayHello(port, "Diamol")));
    }

    [TestMethod]
    public void Native_AOT_api()
    {
        // The webapiaot template; eng/provision.sh installs clang, which the AOT compiler links with.
        var project = ConsumerProject.FromTemplates("RealAot", "Aot", t => t.New("webapiaot", "Aot", []));
        project.RuntimeIdentifier = "linux-x64";
        using var app = new RealApp(project, TestEnvironment.BaseRuntimeDeps);
        app.PublishAndCompareWithSdk();
        var status = ContainerProbe.Get(app.Ours, "/todos", "/todos/1");
        Assert.IsTrue(status.Values.All(s => s == System.Net.HttpStatusCode.OK), "the API must answer: " + string.Join(", ", status));
        Assert.AreEqual("app", app.Current.LayerOfFile["Aot"], "the native executable is the app's own file");
        // The symbols file is most of what every edit re-ships: the publish says so, with the property that drops it.
        StringAssert.Contains(app.LastOutput, "DIAM2019");
        StringAssert.Contains(app.LastOutput, "Aot.dbg");
        StringAssert.Contains(app.LastOutput, "CopyOutputSymbolsToPublishDirectory=false");

        app.EditAndMeasure("one line in the app", t => t.Edit("Aot/Program.cs", text => text.Replace("\"Walk the dog\"", "\"Walk the cat\"")), "app");
        StringAssert.Contains(ContainerProbe.Call(app.Ours, port => GetString(port, "/todos/1")), "Walk the cat");
    }

    private static string GetString(int port, string path)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        return client.GetStringAsync(path).GetAwaiter().GetResult();
    }
}
