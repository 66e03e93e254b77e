using System.Text;
using Diamol.Build.History;

namespace Diamol.Build.Tests.History;

[TestClass]
public sealed class SvgCanvasTests
{
    [TestMethod]
    public void A_layer_rectangle_has_its_kinds_fill_new_when_this_build_made_it_and_an_encoded_title()
    {
        var fresh = new HistoryEntry { Index = 9, CreatedBy = "COPY", Origin = "ours", LayerKind = "app", Cached = false };
        var cached = fresh with { Cached = true };
        var html = new StringBuilder();

        SvgCanvas.LayerRect(html, "segment", fresh, 12.345, 0, 100, 36, "#9 app: 1 kB <new>");
        SvgCanvas.LayerRect(html, "layer", cached, 260, 34, 2.5, 22, "#9 app");

        Assert.AreEqual(
            "<rect class=\"segment new\" x=\"12.35\" y=\"0\" width=\"100\" height=\"36\" fill=\"#d93025\"><title>#9 app: 1 kB &lt;new&gt;</title></rect>" +
            "<rect class=\"layer\" x=\"260\" y=\"34\" width=\"2.5\" height=\"22\" fill=\"#d93025\"><title>#9 app</title></rect>",
            html.ToString());
    }
}
