using System.Text.Json.Nodes;

namespace Diamol.Build.Registry;

/// <summary>
/// One entry of a referrers list (the referrers API's answer, the referrers tag's index, an OCI layout's index.json):
/// a manifest whose subject is the image, with its artifactType and every annotation of the manifest copied, as the
/// distribution spec has clients write them.
/// </summary>
internal sealed record ReferrerDescriptor(string MediaType, string Digest, long Size, string ArtifactType, IReadOnlyList<KeyValuePair<string, string>> Annotations)
{
    public JsonObject ToJson()
    {
        var json = new BlobDescriptor(MediaType, Digest, Size).ToJson();
        json["artifactType"] = ArtifactType;
        if (Annotations.Count > 0) json["annotations"] = new JsonObject(Annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value)));
        return json;
    }
}
