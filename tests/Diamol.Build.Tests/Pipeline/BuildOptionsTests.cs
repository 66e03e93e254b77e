using Diamol.Build.Diagnostics;
using Diamol.Build.Pipeline;

namespace Diamol.Build.Tests.Pipeline;

[TestClass]
public sealed class BuildOptionsTests
{
    [TestMethod]
    public void The_idle_time_out_is_seconds_or_empty_for_the_defaults()
    {
        Assert.IsNull(BuildOptions.ParseIdleTimeout(null));
        Assert.IsNull(BuildOptions.ParseIdleTimeout(" "));
        Assert.AreEqual(TimeSpan.FromSeconds(5), BuildOptions.ParseIdleTimeout("5"));
        Assert.AreEqual(TimeSpan.FromSeconds(1.5), BuildOptions.ParseIdleTimeout(" 1.5 "));
    }

    [TestMethod]
    [DataRow("0")]
    [DataRow("-3")]
    [DataRow("5m")]
    [DataRow("100000")]
    public void A_bad_idle_time_out_is_named(string value)
    {
        var e = Assert.ThrowsExactly<DiamolException>(() => BuildOptions.ParseIdleTimeout(value));
        Assert.AreEqual(DiagnosticCode.DIAM1018, e.Code);
        StringAssert.Contains(e.Message, $"DiamolIdleTimeout has the value '{value}'");
    }
}
