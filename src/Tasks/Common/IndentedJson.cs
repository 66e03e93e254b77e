using System.Text.Json;

namespace Diamol.Build.Common;

/// <summary>
/// JSON for the records a person may open (the output folder's .diamol/ files, the tag claims): indented, with the
/// default encoder. One instance, because System.Text.Json caches what it learns about a type per options object.
/// </summary>
internal static class IndentedJson
{
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = true };
}
