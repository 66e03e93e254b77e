using Diamol.Build.Diagnostics;
using Diamol.Build.Sbom;

namespace Diamol.Build.Tests.Sbom;

/// <summary>DiamolSbom: both formats by default, false for none, a list of names, and a refusal of anything else.</summary>
[TestClass]
public sealed class SbomFormatsTests
{
    [TestMethod]
    public void Empty_or_true_is_both_and_false_is_none()
    {
        Assert.AreEqual(SbomFormats.Both, SbomFormats.Parse(null));
        Assert.AreEqual(SbomFormats.Both, SbomFormats.Parse(" "));
        Assert.AreEqual(SbomFormats.Both, SbomFormats.Parse("True"));
        Assert.IsFalse(SbomFormats.Parse("false").Any);
    }

    [TestMethod]
    public void A_list_names_the_formats_in_any_case()
    {
        Assert.AreEqual(new SbomFormats(true, false), SbomFormats.Parse("SPDX"));
        Assert.AreEqual(new SbomFormats(false, true), SbomFormats.Parse("cyclonedx"));
        Assert.AreEqual(SbomFormats.Both, SbomFormats.Parse("cyclonedx, spdx"));
    }

    [TestMethod]
    public void Another_name_is_refused_naming_the_property_and_value()
    {
        var e = Assert.ThrowsExactly<DiamolException>(() => SbomFormats.Parse("spdx;cdx"));
        Assert.AreEqual(DiagnosticCode.DIAM1025, e.Code);
        StringAssert.Contains(e.Message, "DiamolSbom has the value 'spdx;cdx'");
        StringAssert.Contains(e.Message, "'cdx'");
    }
}
