using Diamol.Build.Spec;

namespace Diamol.Build.Tests.Spec;

[TestClass]
public sealed class SecretRedactorTests
{
    [TestMethod]
    [DataRow("NUGET_PAT")]
    [DataRow("GithubPat")]
    [DataRow("AZURE_DEVOPS_PAT")]
    [DataRow("SERVICE_APIKEY")]
    [DataRow("Stripe__ApiKey")]
    [DataRow("MY_SECRET_VALUE")]
    [DataRow("GITHUB_TOKEN")]
    [DataRow("DB_PASSWORD")]
    [DataRow("DB_PWD")]
    [DataRow("ConnectionStrings__Default")]
    [DataRow("STORAGE_SAS")]
    [DataRow("SIGNING_KEY")]
    [DataRow("BASIC_AUTH")]
    [DataRow("DB_PASS")]
    [DataRow("SmtpPass")]
    public void Common_secret_names_are_recognised(string name) => Assert.IsTrue(SecretNames.LooksSecret(name), name);

    [TestMethod]
    [DataRow("PATH")]
    [DataRow("PATTERN")]
    [DataRow("KEYBOARD_LAYOUT")]
    [DataRow("ASPNETCORE_HTTP_PORTS")]
    [DataRow("DOTNET_VERSION")]
    [DataRow("AUTHOR")]
    [DataRow("org.opencontainers.image.authors")]
    [DataRow("BYPASS_CACHE")]
    [DataRow("COMPASS_URL")]
    public void Ordinary_names_are_not(string name) => Assert.IsFalse(SecretNames.LooksSecret(name), name);

    [TestMethod]
    public void Quoted_names_as_the_generated_ENV_writes_them_are_redacted_without_knowing_the_value()
    {
        var unknown = SecretRedactor.ForEnvironment([]);
        Assert.AreEqual("ENV \"A\"=\"1\" \"DB_PASSWORD\"=<redacted> \"TARGET\"=\"x\"",
            unknown.Redact("ENV \"A\"=\"1\" \"DB_PASSWORD\"=\"p@ss \\\" word\" \"TARGET\"=\"x\""));
        Assert.AreEqual("LABEL \"api.token\"=<redacted>", unknown.Redact("LABEL \"api.token\"=\"abc\""));
        Assert.AreEqual("ENV \"DB_PASS\"=<redacted> OTHER=1", unknown.Redact("ENV \"DB_PASS\"=two words OTHER=1"));
        // Already masked stays masked once.
        Assert.AreEqual("ENV \"API_TOKEN\"=\"<redacted>\"", unknown.Redact("ENV \"API_TOKEN\"=\"<redacted>\""));
    }

    [TestMethod]
    public void The_values_of_our_own_instructions_are_known_secrets_wherever_they_appear()
    {
        var instructions = new[]
        {
            new Diamol.Build.Dockerfile.DockerfileInstruction(3, "ENV", "ENV \"A\"=\"1\" \"DB_PASSWORD\"=\"s3cret value\" \"API_TOKEN\"=\"tok-123\""),
            new Diamol.Build.Dockerfile.DockerfileInstruction(4, "LABEL", "LABEL \"signing.key\"=\"k-456\""),
        };
        var redactor = Diamol.Build.Dockerfile.InstructionSecrets.RedactorFor(instructions);
        // The engine's echo of a RUN step, or a record with the value written another way, still loses it.
        Assert.AreEqual("echo <redacted> <redacted> <redacted> 1", redactor.Redact("echo s3cret value tok-123 k-456 1"));
    }

    [TestMethod]
    public void A_value_with_spaces_is_redacted_whole()
    {
        var redactor = SecretRedactor.ForEnvironment(["API_TOKEN=abc def ghi", "TARGET=x"]);
        Assert.AreEqual("/bin/sh -c #(nop)  ENV API_TOKEN=<redacted> TARGET=x", redactor.Redact("/bin/sh -c #(nop)  ENV API_TOKEN=abc def ghi TARGET=x"));
        // A value not known (set by a base image, say) still goes up to the next assignment.
        Assert.AreEqual("ENV OTHER_SECRET=<redacted> TARGET=x", SecretRedactor.ForEnvironment([]).Redact("ENV OTHER_SECRET=one two TARGET=x"));
        Assert.AreEqual("LABEL db.password=<redacted>", SecretRedactor.ForEnvironment([]).Redact("LABEL db.password=\"a b\""));
    }

    [TestMethod]
    public void Build_arguments_never_survive_and_secret_ones_go_everywhere()
    {
        var redactor = SecretRedactor.ForEnvironment([], null, new Dictionary<string, string> { ["GREETING"] = "hi", ["NUGET_PAT"] = "pat value 123" });
        string text = redactor.Redact("|2 GREETING=hi NUGET_PAT=pat value 123 /bin/sh -c echo pat value 123 > /x");
        Assert.AreEqual("|2 GREETING=<redacted> NUGET_PAT=<redacted> /bin/sh -c echo <redacted> > /x", text);
    }

    [TestMethod]
    public void Labels_of_secret_names_are_known_values_too()
    {
        var redactor = SecretRedactor.ForEnvironment([], new Dictionary<string, string> { ["com.example.apikey"] = "k-12345" });
        Assert.AreEqual("echo <redacted>", redactor.Redact("echo k-12345"));
    }

    [TestMethod]
    public void Entries_lose_the_whole_value() =>
        Assert.AreEqual("DB_PASSWORD=<redacted>", SecretRedactor.RedactEntry("DB_PASSWORD=a b=c"));
}
