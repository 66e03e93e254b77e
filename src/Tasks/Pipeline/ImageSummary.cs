using Diamol.Build.Context;
using Diamol.Build.History;

namespace Diamol.Build.Pipeline;

/// <summary>image.json: what CI steps need to deploy the image (as Jib's jib-image.json).</summary>
/// <param name="PushError">Why the push failed, when the image was built but the registry was not updated.</param>
/// <param name="Platform">
/// Only for one platform's image of a multi-platform publish: its platform. Such an image is pushed by digest and has
/// no tag (Tags is empty); the image.json of the index, in the publish's own output folder, names the tags.
/// </param>
internal sealed record ImageSummary(string Id, string Repository, IReadOnlyList<string> Tags, string? Digest, bool Pushed,
    [property: System.Text.Json.Serialization.JsonIgnore(
        Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? PushError = null,
    [property: System.Text.Json.Serialization.JsonIgnore(
        Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Platform = null)
{
    /// <summary>Writes the folder's image.json (left alone when unchanged): the one place it is serialised.</summary>
    public void Save(OutputFolder folder) =>
        Common.AtomicFile.WriteIfChanged(folder.ImageJson, System.Text.Json.JsonSerializer.Serialize(this, HistoryJsonWriter.Options) + "\n");

    /// <summary>
    /// Removes the folder's image.json, the one place it is removed (the targets' multi-platform publish aside), and the
    /// SBOMs, which describe the same image: from the moment a new image is in the making until it is made, none may
    /// describe the old one (a publish that fails after this leaves neither; the SBOM stage writes them once it is made).
    /// </summary>
    public static void Remove(OutputFolder folder)
    {
        if (!Directory.Exists(folder.Root)) return;
        File.Delete(folder.ImageJson);
        File.Delete(folder.SpdxSbom);
        File.Delete(folder.CycloneDxSbom);
    }
}
