using System.Text.Json;
using Diamol.Build.Spec;

namespace Diamol.Build.Sbom;

/// <summary>
/// CycloneDX 1.6 JSON of an inventory. The image is the metadata's component; the components are the base image
/// (a container with its pkg:oci purl), the app, the packages and projects (libraries, with the nupkg's SHA-512, the
/// declared licence and the layer as a property), the runtime (a framework) and our layers' files (with SHA-1 and
/// SHA-256). The dependencies give every component's direct dependencies that are in the image.
/// </summary>
internal static class CycloneDxWriter
{
    private const string ImageRef = "image";
    private const string BaseRef = "base-image";

    public static byte[] Write(SbomInventory inventory) =>
        SbomDocument.Write((w, serial) => Write(w, inventory, serial), hash => "urn:uuid:" + SbomDocument.Uuid(hash));

    /// <summary>A component's bom-ref: its purl when it has one (unique by id and version), else its kind and name.</summary>
    public static string RefOf(SbomComponent component) => component.Purl ?? $"{component.Kind.ToString().ToLowerInvariant()}:{component.Id}";

    private static void Write(Utf8JsonWriter w, SbomInventory inventory, string serial)
    {
        SbomComponent[] components = [inventory.App, .. inventory.Packages.OrderBy(p => p.Id, StringComparer.Ordinal),
            .. inventory.Runtimes.OrderBy(r => r.Id, StringComparer.Ordinal)];
        w.WriteStartObject();
        w.WriteString("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
        w.WriteString("bomFormat", "CycloneDX");
        w.WriteString("specVersion", "1.6");
        if (serial.Length > 0) w.WriteString("serialNumber", serial);
        w.WriteNumber("version", 1);

        w.WriteStartObject("metadata");
        w.WriteString("timestamp", Oci.ReproducibleTime.Format(inventory.Created));
        w.WriteStartObject("tools");
        w.WriteStartArray("components");
        w.WriteStartObject();
        w.WriteString("type", "application");
        w.WriteString("name", "Diamol.Build");
        w.WriteString("version", inventory.ToolVersion);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("component");
        w.WriteString("type", "container");
        w.WriteString("bom-ref", ImageRef);
        w.WriteString("name", inventory.Image.Repository);
        w.WriteString("version", inventory.Image.Tag);
        if (inventory.Image.Digest is { } digest) w.WriteString("purl", PackageUrl.Oci(inventory.Image.Name, digest));
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("components");
        if (inventory.BaseImage is { } b)
        {
            w.WriteStartObject();
            w.WriteString("type", "container");
            w.WriteString("bom-ref", BaseRef);
            w.WriteString("name", b.Reference);
            if (b.Digest is not null) w.WriteString("version", b.Digest);
            w.WriteString("purl", b.Purl);
            w.WriteEndObject();
        }

        foreach (var component in components) Component(w, component);
        foreach (var file in inventory.Files) File(w, file);
        w.WriteEndArray();

        w.WriteStartArray("dependencies");
        var refs = components.ToDictionary(c => c.Id, RefOf, StringComparer.OrdinalIgnoreCase);
        Dependency(w, ImageRef, [RefOf(inventory.App), .. inventory.BaseImage is null ? Array.Empty<string>() : [BaseRef]]);
        if (inventory.BaseImage is not null) Dependency(w, BaseRef, []);
        foreach (var component in components)
        {
            Dependency(w, RefOf(component), component.Dependencies.Where(refs.ContainsKey).Select(d => refs[d]).Order(StringComparer.Ordinal));
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Component(Utf8JsonWriter w, SbomComponent component)
    {
        w.WriteStartObject();
        w.WriteString("type", component.Kind switch
        {
            SbomComponentKind.App => "application",
            SbomComponentKind.Runtime => "framework",
            _ => "library",
        });
        w.WriteString("bom-ref", RefOf(component));
        w.WriteString("name", component.Id);
        w.WriteString("version", component.Version);
        if (component.Sha512 is { } sha512) Hashes(w, ("SHA-512", sha512));
        if (component.License is { } license)
        {
            w.WriteStartArray("licenses");
            w.WriteStartObject();
            w.WriteString("expression", license);
            w.WriteEndObject();
            w.WriteEndArray();
        }

        if (component.Purl is { } purl) w.WriteString("purl", purl);
        Properties(w, [.. component.LayerNames.Select(l => ("diamol:layer", l)), ("diamol:source", component.Source ?? "")]);
        w.WriteEndObject();
    }

    private static void File(Utf8JsonWriter w, SbomFile file)
    {
        w.WriteStartObject();
        w.WriteString("type", "file");
        w.WriteString("bom-ref", "file:" + file.Path);
        w.WriteString("name", file.Path);
        Hashes(w, ("SHA-1", file.Sha1), ("SHA-256", file.Sha256));
        Properties(w, [("diamol:layer", file.Layer), ("diamol:size", file.Size.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            .. file.Owner is { } owner ? [("diamol:package", owner)] : Array.Empty<(string, string)>()]);
        w.WriteEndObject();
    }

    private static void Hashes(Utf8JsonWriter w, params (string Algorithm, string Content)[] hashes) => Pairs(w, "hashes", "alg", "content", hashes);

    private static void Properties(Utf8JsonWriter w, IEnumerable<(string Name, string Value)> properties) => Pairs(w, "properties", "name", "value", properties);

    // An array of two-field objects: hashes (alg, content) and properties (name, value).
    private static void Pairs(Utf8JsonWriter w, string array, string first, string second, IEnumerable<(string, string)> pairs)
    {
        w.WriteStartArray(array);
        foreach (var (a, b) in pairs)
        {
            w.WriteStartObject();
            w.WriteString(first, a);
            w.WriteString(second, b);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Dependency(Utf8JsonWriter w, string reference, IEnumerable<string> dependsOn)
    {
        w.WriteStartObject();
        w.WriteString("ref", reference);
        SbomDocument.Strings(w, "dependsOn", dependsOn);
        w.WriteEndObject();
    }
}
