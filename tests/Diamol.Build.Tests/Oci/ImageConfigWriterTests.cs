using System.Text;
using System.Text.Json;
using Diamol.Build.Common;
using Diamol.Build.Context;
using Diamol.Build.Dockerfile;
using Diamol.Build.Layers;
using Diamol.Build.Oci;
using Diamol.Build.Spec;

namespace Diamol.Build.Tests.Oci;

[TestClass]
public sealed class ImageConfigWriterTests
{
    private static readonly byte[] BaseConfig = Encoding.UTF8.GetBytes("""
        {"architecture":"amd64","os":"linux","container":"abc","docker_version":"20.10",
         "config":{"Env":["PATH=/usr/bin","APP_UID=1654","ASPNETCORE_HTTP_PORTS=8080"],"Cmd":["bash"],"Labels":{"base":"yes"},"ExposedPorts":{"8080/tcp":{}}},
         "rootfs":{"type":"layers","diff_ids":["sha256:base1","sha256:base2"]},
         "history":[{"created_by":"debootstrap","created":"2026-01-01T00:00:00Z"},{"created_by":"ENV PATH","empty_layer":true},{"created_by":"COPY runtime"}]}
        """);

    private static readonly ImagePlatform Amd64 = new("linux", "amd64");

    private static readonly ImageSettings Settings = new(
        [new NameValue("org.opencontainers.image.created", "2026-11-28T12:00:00Z"), new NameValue("org.example.build", "42")]);

    private static DockerfileInstruction[] Instructions(string entrypoint = "[\"dotnet\", \"/app/App.dll\"]") =>
    [
        new(5, "ENV", "ENV \"PATH\"=\"/app:/usr/bin\" \\\n    \"TARGET\"=\"x\""),
        new(6, "LABEL", "LABEL \"team\"=\"a\""),
        new(7, "WORKDIR", "WORKDIR /app/"),
        new(8, "EXPOSE", "EXPOSE 8080/tcp 9000/udp"),
        new(9, "ENTRYPOINT", "ENTRYPOINT " + entrypoint),
        new(10, "COPY", "COPY [\"layers/packages/\", \"/app/\"]", LayerKind.Packages, "packages"),
        new(11, "COPY", "COPY [\"layers/app/\", \"/app/\"]", LayerKind.App, "app"),
        new(12, "USER", "USER 1654"),
        new(13, "ARG", "ARG LABEL_ORG_OPENCONTAINERS_IMAGE_CREATED"),
        new(14, "ARG", "ARG LABEL_ORG_EXAMPLE_BUILD"),
        new(15, "LABEL", "LABEL \"org.opencontainers.image.created\"=\"$LABEL_ORG_OPENCONTAINERS_IMAGE_CREATED\" \\\n    \"org.example.build\"=\"$LABEL_ORG_EXAMPLE_BUILD\""),
    ];

    private static readonly Dictionary<string, LayerBlob> Layers = new()
    {
        ["packages"] = new LayerBlob("packages", "sha256:p", 10, "sha256:pdiff", 20, "/x", "k"),
        ["app"] = new LayerBlob("app", "sha256:a", 1, "sha256:adiff", 2, "/y", "k"),
    };

    [TestMethod]
    public void The_config_is_the_base_config_with_the_Dockerfile_applied_as_the_engine_applies_it()
    {
        var config = ImageConfigWriter.Write(BaseConfig, Amd64, Settings, Instructions(), Layers, ReproducibleTime.From("1700000000"));
        using var json = JsonDocument.Parse(config.Bytes);
        var root = json.RootElement;
        var c = root.GetProperty("config");

        CollectionAssert.AreEqual(new[] { "PATH=/app:/usr/bin", "APP_UID=1654", "ASPNETCORE_HTTP_PORTS=8080", "TARGET=x" },
            c.GetProperty("Env").EnumerateArray().Select(e => e.GetString()).ToArray(), "ENV replaces a variable in place and appends new ones");
        Assert.AreEqual(JsonValueKind.Null, c.GetProperty("Cmd").ValueKind, "ENTRYPOINT clears the inherited CMD");
        Assert.AreEqual("[\"dotnet\",\"/app/App.dll\"]", c.GetProperty("Entrypoint").GetRawText());
        Assert.AreEqual("/app/", c.GetProperty("WorkingDir").GetString());
        Assert.AreEqual("1654", c.GetProperty("User").GetString());
        Assert.AreEqual("yes", c.GetProperty("Labels").GetProperty("base").GetString());
        Assert.AreEqual("2023-11-14T22:13:20Z", c.GetProperty("Labels").GetProperty("org.opencontainers.image.created").GetString(), "time labels carry the reproducible time");
        CollectionAssert.AreEquivalent(new[] { "8080/tcp", "9000/udp" }, c.GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual("2023-11-14T22:13:20Z", root.GetProperty("created").GetString());
        Assert.IsFalse(root.TryGetProperty("container", out _));
        CollectionAssert.AreEqual(new[] { "sha256:base1", "sha256:base2", "sha256:pdiff", "sha256:adiff" }, config.DiffIds.ToArray());

        Assert.AreEqual("42", c.GetProperty("Labels").GetProperty("org.example.build").GetString(), "a per-build label gets the value the engine gets as a build argument");
        Assert.AreEqual("a", c.GetProperty("Labels").GetProperty("team").GetString());

        Assert.AreEqual(14, config.History.Count, "3 base entries and one per instruction after FROM");
        Assert.AreEqual("ENV \"PATH\"=\"/app:/usr/bin\" \"TARGET\"=\"x\"", config.History[3].CreatedBy);
        CollectionAssert.AreEqual(new[] { 1, 1, 2, 2, 2, 2, 2, 2, 3, 4, 4, 4, 4, 4 }, config.History.Select(h => h.LayerCount).ToArray());
        Assert.AreEqual(config.History.Count, root.GetProperty("history").GetArrayLength());
    }

    [TestMethod]
    public void The_same_inputs_give_the_same_bytes()
    {
        var a = ImageConfigWriter.Write(BaseConfig, Amd64, Settings, Instructions(), Layers, ReproducibleTime.Fixed);
        var b = ImageConfigWriter.Write(BaseConfig, Amd64, Settings, Instructions(), Layers, ReproducibleTime.Fixed);
        Assert.AreEqual(a.Digest, b.Digest);
        Assert.AreNotEqual(a.Digest, ImageConfigWriter.Write(BaseConfig, Amd64, Settings, Instructions(), Layers, ReproducibleTime.From("1700000000")).Digest);
    }

    [TestMethod]
    public void An_empty_entrypoint_leaves_none()
    {
        var config = ImageConfigWriter.Write(BaseConfig, Amd64, Settings, Instructions("[]"), Layers, ReproducibleTime.Fixed);
        using var json = JsonDocument.Parse(config.Bytes);
        Assert.AreEqual(JsonValueKind.Null, json.RootElement.GetProperty("config").GetProperty("Entrypoint").ValueKind);
    }

    [TestMethod]
    public void Own_instructions_are_applied_in_Dockerfile_order()
    {
        DockerfileInstruction[] instructions =
        [
            new(3, "ENV", "ENV TARGET=early"),
            new(4, "ARG", "ARG GREETING=hello"),
            .. Instructions(),
            new(16, "ENV", "ENV PHRASE=\"$GREETING from $TARGET\""),
            new(17, "WORKDIR", "WORKDIR data/../logs"),
            new(18, "VOLUME", "VOLUME [\"/data\"]"),
            new(19, "STOPSIGNAL", "STOPSIGNAL SIGINT"),
            new(20, "HEALTHCHECK", "HEALTHCHECK --interval=1m30s --retries=3 CMD curl -f http://localhost/ || exit 1"),
            new(21, "SHELL", "SHELL [\"/bin/bash\", \"-c\"]"),
        ];
        var config = ImageConfigWriter.Write(BaseConfig, Amd64, Settings, instructions, Layers, ReproducibleTime.Fixed);
        using var json = JsonDocument.Parse(config.Bytes);
        var c = json.RootElement.GetProperty("config");

        Assert.IsTrue(config.Env.Contains("TARGET=x"), "the later ENV wins");
        Assert.IsTrue(config.Env.Contains("PHRASE=hello from x"), string.Join(", ", config.Env));
        Assert.AreEqual("/app/logs", c.GetProperty("WorkingDir").GetString());
        Assert.AreEqual("{\"/data\":{}}", c.GetProperty("Volumes").GetRawText());
        Assert.AreEqual("SIGINT", c.GetProperty("StopSignal").GetString());
        Assert.AreEqual("{\"Test\":[\"CMD-SHELL\",\"curl -f http://localhost/ || exit 1\"],\"Interval\":90000000000,\"Retries\":3}", c.GetProperty("Healthcheck").GetRawText());
        Assert.AreEqual("[\"/bin/bash\",\"-c\"]", c.GetProperty("Shell").GetRawText());
    }

    [TestMethod]
    public void An_instruction_the_engine_would_refuse_names_itself()
    {
        DockerfileInstruction[] instructions = [.. Instructions(), new(16, "ARG", "ARG PORT=http"), new(17, "EXPOSE", "EXPOSE $PORT")];
        var e = Assert.ThrowsExactly<Diamol.Build.Diagnostics.DiamolException>(() => ImageConfigWriter.Write(BaseConfig, Amd64, Settings, instructions, Layers, ReproducibleTime.Fixed));
        Assert.AreEqual(Diamol.Build.Diagnostics.DiagnosticCode.DIAM1011, e.Code);
        StringAssert.Contains(e.Message, "EXPOSE $PORT");
        StringAssert.Contains(e.Message, "line 17");
        StringAssert.Contains(e.Message, "Invalid containerPort: http");
    }

    [TestMethod]
    public void The_platform_is_the_runtime_identifiers_not_the_base_configs()
    {
        // A base that names no platform (or, unchecked, another one) never lends its platform to the image.
        var arm64 = ImagePlatform.FromRuntimeIdentifier("linux-arm64");
        var config = ImageConfigWriter.Write(BaseConfig, arm64, Settings, Instructions(), Layers, ReproducibleTime.Fixed);
        using var json = JsonDocument.Parse(config.Bytes);
        Assert.AreEqual("linux", json.RootElement.GetProperty("os").GetString());
        Assert.AreEqual("arm64", json.RootElement.GetProperty("architecture").GetString());
        Assert.AreEqual("v8", json.RootElement.GetProperty("variant").GetString());
        Assert.AreEqual(("linux", "arm64"), (config.Os, config.Architecture), "the record (and so the history) says the same platform");

        var withVariant = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(BaseConfig).Replace("\"os\":\"linux\",", "\"os\":\"linux\",\"variant\":\"v7\","));
        using var amd64 = JsonDocument.Parse(ImageConfigWriter.Write(withVariant, Amd64, Settings, Instructions(), Layers, ReproducibleTime.Fixed).Bytes);
        Assert.IsFalse(amd64.RootElement.TryGetProperty("variant", out _), "a variant of the base's that the platform does not have is not kept");
    }
}
