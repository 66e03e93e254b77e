using System.Text.Json.Nodes;
using Diamol.Build.DockerfileSyntax;

namespace Diamol.Build.Tests.Dockerfile;

/// <summary>Every expected config here was read back from Docker 20.10's classic builder for the same instructions.</summary>
[TestClass]
public sealed class ConfigInstructionInterpreterTests
{
    private static JsonObject Apply(params string[] lines)
    {
        var config = new JsonObject { ["Env"] = new JsonArray("PATH=/usr/bin") };
        var interpreter = new ConfigInstructionInterpreter(config);
        foreach (string line in lines)
        {
            string[] parts = line.Split(' ', 2);
            interpreter.Apply(parts[0], parts.Length > 1 ? parts[1] : "");
        }

        return config;
    }

    [TestMethod]
    public void Environment_pairs_expand_with_the_variables_before_the_instruction()
    {
        var config = Apply("ARG A=aval", "ENV E1=1 E2=$E1 A=env", "ENV E3=$A", "ENV LEG   two  words  \"q\" $A", "ENV PATH=/app:$PATH");
        Assert.AreEqual("[\"PATH=/app:/usr/bin\",\"E1=1\",\"E2=\",\"A=env\",\"E3=env\",\"LEG=two  words  q env\"]", config["Env"]!.ToJsonString());
    }

    [TestMethod]
    public void Labels_ports_volumes_and_the_working_directory()
    {
        var config = Apply("ARG A=aval", "LABEL \"k 1\"=\"v 1\" k2=v\\ 2", "WORKDIR rel", "WORKDIR ../up/./x", "EXPOSE 80 443/UDP 8000-8002 127.0.0.1:80:8080",
            "VOLUME /v1 $A", "VOLUME [\"/j1\", \"/j2\"]", "STOPSIGNAL sigint", "USER app");
        Assert.AreEqual("{\"k 1\":\"v 1\",\"k2\":\"v 2\"}", config["Labels"]!.ToJsonString());
        Assert.AreEqual("/up/x", config["WorkingDir"]!.GetValue<string>());
        CollectionAssert.AreEquivalent(new[] { "80/tcp", "443/udp", "8000/tcp", "8001/tcp", "8002/tcp", "8080/tcp" }, config["ExposedPorts"]!.AsObject().Select(p => p.Key).ToArray());
        CollectionAssert.AreEquivalent(new[] { "/v1", "aval", "/j1", "/j2" }, config["Volumes"]!.AsObject().Select(p => p.Key).ToArray());
        Assert.AreEqual("sigint", config["StopSignal"]!.GetValue<string>());
        Assert.AreEqual("app", config["User"]!.GetValue<string>());
    }

    [TestMethod]
    public void Commands_healthchecks_and_the_shell()
    {
        var config = Apply("HEALTHCHECK --timeout=5s --start-period=1h CMD [\"a\"]", "SHELL [\"/bin/bash\", \"-c\"]", "CMD echo hi", "ENTRYPOINT [\"a\"]");
        Assert.AreEqual("{\"Test\":[\"CMD\",\"a\"],\"Timeout\":5000000000,\"StartPeriod\":3600000000000}", config["Healthcheck"]!.ToJsonString());
        Assert.AreEqual("[\"/bin/bash\",\"-c\",\"echo hi\"]", config["Cmd"]!.ToJsonString(), "the shell form runs in the SHELL, and a CMD set in this build survives ENTRYPOINT");
        Assert.AreEqual("{\"Test\":[\"NONE\"]}", Apply("HEALTHCHECK NONE")["Healthcheck"]!.ToJsonString());
        Assert.AreEqual("{\"Test\":[\"CMD-SHELL\",\"x\"],\"Interval\":5700000000000}", Apply("HEALTHCHECK --interval=1.5h5m CMD x")["Healthcheck"]!.ToJsonString());
    }

    [TestMethod]
    [DataRow("ENV --x=1 A=b", "Unknown flag: x")]
    [DataRow("EXPOSE 70000", "Invalid containerPort: 70000")]
    [DataRow("EXPOSE 80/foo", "Invalid proto: foo")]
    [DataRow("EXPOSE 9-3", "Invalid containerPort: 9-3")]
    [DataRow("STOPSIGNAL NOPE", "Invalid signal: NOPE")]
    [DataRow("STOPSIGNAL 0", "Invalid signal: 0")]
    [DataRow("STOPSIGNAL rtmax-15", "Invalid signal")]
    [DataRow("HEALTHCHECK --interval=0.5ms CMD x", "cannot be less than 1ms")]
    [DataRow("HEALTHCHECK --retries=0 CMD x", "--retries must be at least 1 (not 0)")]
    [DataRow("HEALTHCHECK NONE x", "HEALTHCHECK NONE takes no arguments")]
    [DataRow("HEALTHCHECK FOO x", "Unknown type \"FOO\" in HEALTHCHECK (try CMD)")]
    [DataRow("HEALTHCHECK --start-interval=1s CMD x", "Unknown flag: start-interval")]
    [DataRow("HEALTHCHECK --interval CMD x", "Missing a value on flag: interval")]
    [DataRow("HEALTHCHECK cmd", "Missing command after HEALTHCHECK CMD")]
    [DataRow("SHELL /bin/sh", "SHELL requires the arguments to be in JSON form")]
    [DataRow("SHELL []", "SHELL requires at least one argument")]
    [DataRow("VOLUME \"\"", "VOLUME specified can not be an empty string")]
    [DataRow("LABEL =x", "LABEL names can not be blank")]
    [DataRow("ENV A", "ENV must have two arguments")]
    [DataRow("ENV A=1 B", "can't find = in \"B\"")]
    [DataRow("WORKDIR \"\"", "cannot normalize nothing")]
    [DataRow("CMD [\"a\", 1]", "arrays must be comprised of strings only")]
    [DataRow("RUN true", "needs the engine")]
    public void What_the_engine_refuses_is_refused_with_its_reason(string line, string reason) =>
        StringAssert.Contains(Assert.ThrowsExactly<FormatException>(() => Apply(line)).Message, reason);

    [TestMethod]
    [DataRow("STOPSIGNAL rtmin+3")]
    [DataRow("STOPSIGNAL SIGRTMAX-1")]
    [DataRow("STOPSIGNAL 99")]
    [DataRow("EXPOSE 0")]
    [DataRow("EXPOSE \"\"")]
    [DataRow("ARG a=1 b=2")]
    public void What_the_engine_accepts_is_accepted(string line) => Apply(line);
}
