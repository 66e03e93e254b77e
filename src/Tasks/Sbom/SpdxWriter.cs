using System.Text.Json;
using Diamol.Build.Spec;

namespace Diamol.Build.Sbom;

/// <summary>
/// SPDX 2.3 JSON of an inventory. The image is the package the document describes; it CONTAINS the app, the packages,
/// the projects and a self-contained runtime, and is a DESCENDANT_OF its base image, which CONTAINS a
/// framework-dependent app's runtime. The app and the packages DEPENDS_ON what they use; each component CONTAINS its
/// files (with SHA-1, which SPDX requires, and SHA-256). Packages carry their nupkg's SHA-512, their purl and their
/// declared licence; NOASSERTION where nothing is known.
/// </summary>
internal static class SpdxWriter
{
    private const string NoAssertion = "NOASSERTION";
    private const string ImageId = "SPDXRef-Image";
    private const string BaseId = "SPDXRef-BaseImage";

    public static byte[] Write(SbomInventory inventory) =>
        SbomDocument.Write((w, identity) => Write(w, inventory, identity),
            hash => $"https://spdx.org/spdxdocs/{SbomDocument.IdOf(inventory.Image.Repository)}-{SbomDocument.Uuid(hash)}");

    public static string IdOf(SbomComponent component) => component.Kind switch
    {
        SbomComponentKind.App => "SPDXRef-App-" + SbomDocument.IdOf(component.Id),
        SbomComponentKind.Project => "SPDXRef-Project-" + SbomDocument.IdOf(component.Id),
        SbomComponentKind.Runtime => "SPDXRef-Runtime-" + SbomDocument.IdOf(component.Id),
        _ => $"SPDXRef-Package-{SbomDocument.IdOf(component.Id)}-{SbomDocument.IdOf(component.Version)}",
    };

    private static string FileId(SbomFile file) => "SPDXRef-File-" + SbomDocument.PathId(file.Path);

    private static void Write(Utf8JsonWriter w, SbomInventory inventory, string documentNamespace)
    {
        var components = Components(inventory);
        w.WriteStartObject();
        w.WriteString("spdxVersion", "SPDX-2.3");
        w.WriteString("dataLicense", "CC0-1.0");
        w.WriteString("SPDXID", "SPDXRef-DOCUMENT");
        w.WriteString("name", inventory.Image.Name);
        w.WriteString("documentNamespace", documentNamespace);
        w.WriteStartObject("creationInfo");
        SbomDocument.Strings(w, "creators", [$"Tool: Diamol.Build-{inventory.ToolVersion}"]);
        w.WriteString("created", Oci.ReproducibleTime.Format(inventory.Created));
        w.WriteEndObject();

        w.WriteStartArray("packages");
        ImagePackage(w, ImageId, inventory.Image.Repository, inventory.Image.Tag,
            inventory.Image.Digest is { } d ? PackageUrl.Oci(inventory.Image.Name, d) : null, inventory.Image.Digest, "the image this document describes");
        if (inventory.BaseImage is { } b) ImagePackage(w, BaseId, b.Reference, null, b.Purl, b.Digest, "the base image (FROM)");
        foreach (var component in components) Package(w, component);
        w.WriteEndArray();

        w.WriteStartArray("files");
        foreach (var file in inventory.Files) File(w, file);
        w.WriteEndArray();

        w.WriteStartArray("relationships");
        foreach (var (from, type, to) in Relationships(inventory, components)) Relationship(w, from, type, to);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static IReadOnlyList<SbomComponent> Components(SbomInventory inventory) =>
        [inventory.App, .. inventory.Packages.OrderBy(p => p.Id, StringComparer.Ordinal), .. inventory.Runtimes.OrderBy(r => r.Id, StringComparer.Ordinal)];

    private static IEnumerable<(string From, string Type, string To)> Relationships(SbomInventory inventory, IReadOnlyList<SbomComponent> components)
    {
        yield return ("SPDXRef-DOCUMENT", "DESCRIBES", ImageId);
        if (inventory.BaseImage is not null) yield return (ImageId, "DESCENDANT_OF", BaseId);
        var ids = components.ToDictionary(c => c.Id, IdOf, StringComparer.OrdinalIgnoreCase);
        foreach (var component in components)
        {
            // A runtime with no files of ours is the base image's.
            bool fromBase = component.Kind == SbomComponentKind.Runtime && component.LayerNames.Count == 0;
            yield return (fromBase && inventory.BaseImage is not null ? BaseId : ImageId, "CONTAINS", IdOf(component));
            foreach (string dependency in component.Dependencies)
            {
                if (ids.TryGetValue(dependency, out var to)) yield return (IdOf(component), "DEPENDS_ON", to);
            }
        }

        foreach (var file in inventory.Files)
        {
            string owner = file.Owner is { } o && ids.TryGetValue(o, out var id) ? id : IdOf(inventory.App);
            yield return (owner, "CONTAINS", FileId(file));
        }
    }

    private static void ImagePackage(Utf8JsonWriter w, string id, string name, string? version, string? purl, string? digest, string comment)
    {
        w.WriteStartObject();
        w.WriteString("SPDXID", id);
        w.WriteString("name", name);
        if (version is not null) w.WriteString("versionInfo", version);
        w.WriteString("downloadLocation", NoAssertion);
        w.WriteBoolean("filesAnalyzed", false);
        w.WriteString("primaryPackagePurpose", "CONTAINER");
        if (digest is not null && digest.StartsWith("sha256:", StringComparison.Ordinal)) Checksums(w, ("SHA256", digest["sha256:".Length..]));
        if (purl is not null) Purl(w, purl);
        w.WriteString("comment", comment);
        w.WriteEndObject();
    }

    private static void Package(Utf8JsonWriter w, SbomComponent component)
    {
        w.WriteStartObject();
        w.WriteString("SPDXID", IdOf(component));
        w.WriteString("name", component.Id);
        w.WriteString("versionInfo", component.Version);
        w.WriteString("downloadLocation", NoAssertion);
        w.WriteBoolean("filesAnalyzed", false);
        w.WriteString("licenseConcluded", NoAssertion);
        w.WriteString("licenseDeclared", component.License ?? NoAssertion);
        w.WriteString("copyrightText", NoAssertion);
        w.WriteString("primaryPackagePurpose", component.Kind switch
        {
            SbomComponentKind.App => "APPLICATION",
            SbomComponentKind.Runtime => "FRAMEWORK",
            _ => "LIBRARY",
        });
        if (component.Sha512 is { } sha512) Checksums(w, ("SHA512", sha512));
        if (component.Purl is { } purl) Purl(w, purl);
        string layers = component.LayerNames.Count == 0 ? "" : $"; in layer {string.Join(", ", component.LayerNames)}";
        w.WriteString("comment", $"from {component.Source}{layers}");
        w.WriteEndObject();
    }

    private static void File(Utf8JsonWriter w, SbomFile file)
    {
        w.WriteStartObject();
        w.WriteString("SPDXID", FileId(file));
        // SPDX file names are relative to the package root, starting with "./"; the image's root is the root here.
        w.WriteString("fileName", "." + file.Path);
        Checksums(w, ("SHA1", file.Sha1), ("SHA256", file.Sha256));
        w.WriteString("licenseConcluded", NoAssertion);
        w.WriteString("copyrightText", NoAssertion);
        w.WriteString("comment", $"layer {file.Layer}, {file.Size} bytes");
        w.WriteEndObject();
    }

    private static void Checksums(Utf8JsonWriter w, params (string Algorithm, string Value)[] sums)
    {
        w.WriteStartArray("checksums");
        foreach (var (algorithm, value) in sums)
        {
            w.WriteStartObject();
            w.WriteString("algorithm", algorithm);
            w.WriteString("checksumValue", value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Purl(Utf8JsonWriter w, string purl)
    {
        w.WriteStartArray("externalRefs");
        w.WriteStartObject();
        w.WriteString("referenceCategory", "PACKAGE-MANAGER");
        w.WriteString("referenceType", "purl");
        w.WriteString("referenceLocator", purl);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void Relationship(Utf8JsonWriter w, string from, string type, string to)
    {
        w.WriteStartObject();
        w.WriteString("spdxElementId", from);
        w.WriteString("relationshipType", type);
        w.WriteString("relatedSpdxElement", to);
        w.WriteEndObject();
    }
}
