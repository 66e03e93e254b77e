using System.Text.Encodings.Web;
using System.Text.Json;

namespace Diamol.Build.Common;

/// <summary>
/// JSON as every other tool writes it: compact, with '+' and non-ASCII left as they are (the default encoder writes
/// "v2\u002Bjson"). OCI configs, manifests and indexes are serialised so; the Dockerfile's exec-form arrays too (the
/// Dockerfile is UTF-8, and the escapes the default encoder adds would only make it harder to read).
/// </summary>
internal static class CompactJson
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
