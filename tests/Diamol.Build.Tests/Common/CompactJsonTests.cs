using System.Text.Json;
using Diamol.Build.Common;

namespace Diamol.Build.Tests.Common;

[TestClass]
public sealed class CompactJsonTests
{
    [TestMethod]
    public void Writes_plus_signs_and_non_ascii_as_they_are_on_one_line()
    {
        string json = JsonSerializer.Serialize(new[] { "application/vnd.docker.distribution.manifest.v2+json", "Grüße" }, CompactJson.Options);

        Assert.AreEqual("[\"application/vnd.docker.distribution.manifest.v2+json\",\"Grüße\"]", json);
    }
}
