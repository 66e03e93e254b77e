using Diamol.Build.Common;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Attachments;

/// <summary>
/// The index a referrers tag holds, read and extended: every entry already there is kept as it was written (other tools'
/// signatures and SBOMs too), ours are added once (the spec: no duplicate entries), so pushing the same attachment again
/// changes nothing.
/// </summary>
internal sealed class ReferrersList
{
    private readonly JsonObject _index;

    private ReferrersList(JsonObject index) => _index = index;

    public static ReferrersList Empty() => new(new JsonObject
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.OciIndex,
        ["manifests"] = new JsonArray(),
    });

    /// <summary>The list in an index, or null when the document is no image index (another tool's use of the tag).</summary>
    public static ReferrersList? Read(byte[] document)
    {
        try
        {
            if (JsonNode.Parse(document) is not JsonObject index || index["manifests"] is not JsonArray manifests) return null;
            if (index["mediaType"] is JsonValue type && type.GetValueKind() == JsonValueKind.String && !MediaTypes.IsIndex(type.GetValue<string>())) return null;
            return manifests.All(m => m is JsonObject entry && entry["digest"] is JsonValue) ? new ReferrersList(index) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public IReadOnlyList<string> Digests => Manifests.Select(m => m!["digest"]!.GetValue<string>()).ToList();

    private JsonArray Manifests => (JsonArray)_index["manifests"]!;

    /// <summary>Adds the entries whose manifests the list lacks; returns how many were added.</summary>
    public int Add(IEnumerable<ReferrerDescriptor> referrers)
    {
        var present = new HashSet<string>(Digests, StringComparer.Ordinal);
        int added = 0;
        foreach (var referrer in referrers.Where(r => present.Add(r.Digest)))
        {
            Manifests.Add(referrer.ToJson());
            added++;
        }

        return added;
    }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(_index.ToJsonString(CompactJson.Options));
}
