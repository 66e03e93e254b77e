using Diamol.Build.Common;
using System.Text.Json;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Signing;

/// <summary>
/// The payload a cosign signature signs: the "simple signing" JSON of containers/image (containers-signature(5)) with
/// cosign's type, <c>{"critical":{"identity":{"docker-reference":...},"image":{"docker-manifest-digest":...},"type":
/// "cosign container image signature"},"optional":...}</c>. The signature is detached, so the digest inside is what
/// binds it to the image; cosign ignores the reference when it verifies but writes the repository there, as we do.
/// </summary>
internal static class SimpleSigningPayload
{
    public const string MediaType = "application/vnd.dev.cosign.simplesigning.v1+json";
    public const string Type = "cosign container image signature";

    /// <param name="repository">The repository, registry included and without tag or digest (<c>localhost:5000/team/app</c>), as cosign writes it.</param>
    /// <param name="digest">The signed manifest's (or index's, or attachment's) digest, <c>sha256:</c> and 64 hex digits.</param>
    /// <param name="optional">Claims of the optional section (cosign's <c>-a key=value</c>), written in ordinal order; none writes null, as cosign does.</param>
    public static byte[] Create(string repository, string digest, IReadOnlyDictionary<string, string>? optional = null)
    {
        if (!ContentDigest.IsSha256(digest)) throw new ArgumentException($"'{digest}' is not a sha256 digest.", nameof(digest));
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = CompactJson.Options.Encoder }))
        {
            json.WriteStartObject();
            json.WriteStartObject("critical");
            json.WriteStartObject("identity");
            json.WriteString("docker-reference", repository);
            json.WriteEndObject();
            json.WriteStartObject("image");
            json.WriteString("docker-manifest-digest", digest);
            json.WriteEndObject();
            json.WriteString("type", Type);
            json.WriteEndObject();
            if (optional is null || optional.Count == 0)
            {
                json.WriteNull("optional");
            }
            else
            {
                json.WriteStartObject("optional");
                foreach (var (name, value) in optional.OrderBy(o => o.Key, StringComparer.Ordinal)) json.WriteString(name, value);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
