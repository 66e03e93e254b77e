using System.Security.Cryptography;
using System.Text;

namespace Diamol.Build.History;

/// <summary>
/// The HTML report's style sheet, its one script, and the policy that makes the page self-contained: the browser loads
/// nothing from anywhere (no network, no other file) and runs no script or style but these two, by their SHA-256 hashes,
/// so even a name that slipped through escaping could not run or fetch anything.
/// </summary>
internal static class HistoryPageAssets
{
    public static readonly string Css = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #202124; }
        code, table.files td:nth-child(2) { font: 12px ui-monospace, monospace; }
        .chart .label, .chart .size, .chart text.tick { font: 12px ui-monospace, monospace; fill: #3c4043; }
        .chart line.tick { stroke: #dadce0; }
        .chart rect.new, .stack rect.new { stroke: #202124; stroke-width: 2; }
        .stack text.in { font: 12px ui-monospace, monospace; fill: #fff; }
        .chart g.hover rect, .stack g.hover rect { stroke: #fbbc04; stroke-width: 3; }
        tr.hover, li.hover { background: #fef7e0; }
        .chart.linear, .scale:checked ~ .scales .log { display: none; }
        .scale:checked ~ .scales .linear { display: block; }
        .key { list-style: none; padding: 0; columns: 2; max-width: 960px; }
        .legend span { margin-right: 14px; white-space: nowrap; }
        .legend i, .key i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: middle; border: 1px solid #dadce0; }
        .legend i.new { border: 2px solid #202124; }
        .base-figure { max-width: 960px; }
        table { border-collapse: collapse; margin-top: 8px; width: 100%; table-layout: auto; }
        td code, table.files td { word-break: break-all; }
        #history td:last-child { max-width: 320px; }
        th, td { border-bottom: 1px solid #e8eaed; padding: 4px 8px; text-align: left; vertical-align: top; }
        td.num, #layer-files td:nth-child(3) { text-align: right; white-space: nowrap; }
        tr.new td { font-weight: 600; }
        tr.base td { color: #5f6368; }
        .changes { padding: 8px 12px; background: #e8f0fe; display: inline-block; }

        """ + LayerKindStyle.Css();

    // Pointing at a bar highlights its row and key, and the other way round. The file filter reads #path=...&layer=...
    // from the address, so a link (or a test) can open the page filtered. The page is whole without any of it.
    public const string Script = """
        (function () {
          function mark(entry, on) {
            document.querySelectorAll('[data-entry="' + entry + '"]').forEach(function (el) { el.classList.toggle('hover', on); });
          }
          document.querySelectorAll('[data-entry]').forEach(function (el) {
            el.addEventListener('mouseenter', function () { mark(el.getAttribute('data-entry'), true); });
            el.addEventListener('mouseleave', function () { mark(el.getAttribute('data-entry'), false); });
          });
          var table = document.getElementById('layer-files');
          if (table) {
            var path = document.getElementById('file-filter'), layer = document.getElementById('layer-filter'), count = document.getElementById('file-count');
            var rows = Array.prototype.map.call(table.tBodies[0].rows, function (row) {
              return { row: row, layer: row.cells[0].textContent, path: row.cells[1].textContent.toLowerCase() };
            });
            var filter = function () {
              var text = path.value.toLowerCase(), name = layer.value, shown = 0;
              rows.forEach(function (r) {
                r.row.hidden = (name !== '' && r.layer !== name) || r.path.indexOf(text) < 0;
                if (!r.row.hidden) shown++;
              });
              count.textContent = shown + ' of ' + rows.length + (rows.length === 1 ? ' file' : ' files');
            };
            var query = new URLSearchParams(location.hash.slice(1));
            path.value = query.get('path') || '';
            layer.value = query.get('layer') || '';
            path.addEventListener('input', filter);
            layer.addEventListener('change', filter);
            document.getElementById('file-filters').hidden = false;
            filter();
          }
          document.documentElement.setAttribute('data-ready', 'yes');
        })();

        """;

    /// <summary>The Content-Security-Policy meta element for a page whose only style and script are <see cref="Css"/> and <see cref="Script"/>.</summary>
    public static string Policy() =>
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src '" + Hash(Css) + "'; script-src '" + Hash(Script) + "'\">\n";

    private static string Hash(string text) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
