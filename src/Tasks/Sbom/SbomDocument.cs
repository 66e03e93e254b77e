using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Diamol.Build.Sbom;

/// <summary>
/// What the two writers share: indented UTF-8 JSON with '\n' line ends, and the document's identity (SPDX's
/// documentNamespace, CycloneDX's serialNumber) derived from its content, so the same image gives the same bytes and
/// another image another identity.
/// </summary>
internal static class SbomDocument
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the document twice: with an empty identity to hash, then with the identity that hash gives.</summary>
    public static byte[] Write(Action<Utf8JsonWriter, string> write, Func<byte[], string> identity)
    {
        byte[] draft = Render(w => write(w, ""));
        return Render(w => write(w, identity(SHA256.HashData(draft))));
    }

    private static byte[] Render(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options)) write(writer);
        stream.WriteByte((byte)'\n');
        // The writer ends lines as the OS does; a raw CR is never in JSON text (strings escape it), so dropping it
        // gives the same bytes on every OS.
        return stream.ToArray().Where(b => b != (byte)'\r').ToArray();
    }

    /// <summary>An RFC 4122 UUID (version 5 layout) made of a hash's first 16 bytes.</summary>
    public static string Uuid(byte[] hash)
    {
        byte[] b = hash[..16];
        b[6] = (byte)((b[6] & 0x0f) | 0x50);
        b[8] = (byte)((b[8] & 0x3f) | 0x80);
        string hex = Convert.ToHexString(b).ToLowerInvariant();
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    /// <summary>A short stable id for a name (an SPDX element id, a bom-ref) that holds only [A-Za-z0-9.-].</summary>
    public static string IdOf(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (char c in name) text.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-');
        return text.ToString();
    }

    public static string PathId(string path) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..16].ToLowerInvariant();

    public static void Strings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (string value in values) writer.WriteStringValue(value);
        writer.WriteEndArray();
    }
}
