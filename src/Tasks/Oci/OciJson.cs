using System.Text.Encodings.Web;
using System.Text.Json;

namespace Diamol.Build.Oci;

/// <summary>
/// How configs, manifests and indexes are serialised: compact, and with '+' and other characters left as they are
/// (the default encoder writes "v2\u002Bjson"), so the documents read as every other tool writes them.
/// </summary>
internal static class OciJson
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
