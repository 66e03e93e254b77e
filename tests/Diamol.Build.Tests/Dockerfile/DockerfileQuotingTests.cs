using Diamol.Build.Dockerfile;

namespace Diamol.Build.Tests.Dockerfile;

[TestClass]
public sealed class DockerfileQuotingTests
{
    [TestMethod]
    [DataRow("", "\"\"")]
    [DataRow(" padded ", "\" padded \"")]
    [DataRow("a\"b", "\"a\\\"b\"")]
    [DataRow("$HOME", "\"\\$HOME\"")]
    [DataRow("c:\\dir\\", "\"c:\\\\dir\\\\\"")]
    [DataRow("日本", "\"日本\"")]
    public void Quote_escapes_only_what_the_parser_treats_specially(string value, string expected) =>
        Assert.AreEqual(expected, DockerfileQuoting.Quote(value));

    [TestMethod]
    public void Json_arrays_are_valid_json()
    {
        string json = DockerfileQuoting.JsonArray(["a\",\"b", "c\\", "ü"]);
        Assert.AreEqual("[\"a\\\",\\\"b\", \"c\\\\\", \"ü\"]", json);
        CollectionAssert.AreEqual(new[] { "a\",\"b", "c\\", "ü" }, System.Text.Json.JsonSerializer.Deserialize<string[]>(json));
    }
}
