using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Diamol.Build.Tests.Sbom;

/// <summary>
/// The published CycloneDX 1.6 JSON schema, as the CycloneDX project ships it in its npm library (with the SPDX
/// licence-id and JSF schemas it refers to), installed by eng/provision/sbom.sh; and the SPDX 2.3 rules a schema
/// would check. No npm or NuGet package ships the SPDX 2.3 JSON schema (the SPDX project publishes it only in its
/// spec repository; cdxgen ships SPDX 3.0's), so <see cref="SpdxViolations"/> checks the 2.3 spec's required fields,
/// identifiers, enumerations and references by hand.
/// </summary>
internal static partial class SbomSchemas
{
    private static string SchemaFolder => Path.Combine(Environment.GetEnvironmentVariable("DIAMOL_SBOM_DIR") ?? "/var/cache/diamol-test/sbom",
        "node_modules", "@cyclonedx", "cyclonedx-library", "res", "schema");

    private static readonly Lazy<JsonSchema> CycloneDx = new(() =>
    {
        string bom = Path.Combine(SchemaFolder, "bom-1.6.SNAPSHOT.schema.json");
        Assert.IsTrue(File.Exists(bom), $"the CycloneDX 1.6 schema is not at {bom}: run eng/provision.sh (it installs @cyclonedx/cyclonedx-library there)");
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        // bom-1.6 refers to its neighbours by their file names (spdx.SNAPSHOT.schema.json), which their $id do not say.
        foreach (string neighbour in new[] { "spdx", "jsf-0.82", "cryptography-defs" })
        {
            string name = neighbour + ".SNAPSHOT.schema.json";
            var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(SchemaFolder, name)), options);
            options.SchemaRegistry.Register(new Uri("http://cyclonedx.org/schema/" + name), schema);
        }

        return JsonSchema.FromText(File.ReadAllText(bom), options);
    });

    /// <summary>The schema's errors for a CycloneDX document (empty: valid), each with where it is.</summary>
    public static IReadOnlyList<string> CycloneDxViolations(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var result = CycloneDx.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return result.IsValid ? [] : (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}").ToArray();
    }

    private static readonly string[] Relationships =
    [
        "DESCRIBES", "DESCRIBED_BY", "CONTAINS", "CONTAINED_BY", "DEPENDS_ON", "DEPENDENCY_OF", "DEPENDENCY_MANIFEST_OF", "BUILD_DEPENDENCY_OF",
        "DEV_DEPENDENCY_OF", "OPTIONAL_DEPENDENCY_OF", "PROVIDED_DEPENDENCY_OF", "TEST_DEPENDENCY_OF", "RUNTIME_DEPENDENCY_OF", "EXAMPLE_OF", "GENERATES",
        "GENERATED_FROM", "ANCESTOR_OF", "DESCENDANT_OF", "VARIANT_OF", "DISTRIBUTION_ARTIFACT", "PATCH_FOR", "PATCH_APPLIED", "COPY_OF", "FILE_ADDED",
        "FILE_DELETED", "FILE_MODIFIED", "EXPANDED_FROM_ARCHIVE", "DYNAMIC_LINK", "STATIC_LINK", "DATA_FILE_OF", "TEST_CASE_OF", "BUILD_TOOL_OF",
        "DEV_TOOL_OF", "TEST_OF", "TEST_TOOL_OF", "DOCUMENTATION_OF", "OPTIONAL_COMPONENT_OF", "METAFILE_OF", "PACKAGE_OF", "AMENDS", "PREREQUISITE_FOR",
        "HAS_PREREQUISITE", "REQUIREMENT_DESCRIPTION_FOR", "SPECIFICATION_FOR", "OTHER",
    ];

    private static readonly Dictionary<string, int> ChecksumLengths = new(StringComparer.Ordinal)
    {
        ["SHA1"] = 40,
        ["SHA224"] = 56,
        ["SHA256"] = 64,
        ["SHA384"] = 96,
        ["SHA512"] = 128,
        ["MD5"] = 32,
    };

    private static readonly string[] Purposes = ["APPLICATION", "FRAMEWORK", "LIBRARY", "CONTAINER", "OPERATING-SYSTEM", "DEVICE", "FIRMWARE", "SOURCE",
        "ARCHIVE", "FILE", "INSTALL", "OTHER"];

    /// <summary>What an SPDX 2.3 JSON document breaks of the spec's rules (clauses 6 to 11), each with where it is.</summary>
    public static IReadOnlyList<string> SpdxViolations(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var errors = new List<string>();
        void Require(JsonElement e, string where, params string[] names)
        {
            foreach (string name in names)
            {
                if (!e.TryGetProperty(name, out var v) || (v.ValueKind == JsonValueKind.String && v.GetString()!.Length == 0)) errors.Add($"{where}: no {name}");
            }
        }

        Require(root, "document", "spdxVersion", "dataLicense", "SPDXID", "name", "documentNamespace", "creationInfo");
        if (errors.Count > 0) return errors;
        if (root.GetProperty("spdxVersion").GetString() != "SPDX-2.3") errors.Add("spdxVersion is not SPDX-2.3");
        if (root.GetProperty("dataLicense").GetString() != "CC0-1.0") errors.Add("dataLicense is not CC0-1.0 (clause 6.2)");
        if (root.GetProperty("SPDXID").GetString() != "SPDXRef-DOCUMENT") errors.Add("the document's SPDXID is not SPDXRef-DOCUMENT (6.3)");
        string ns = root.GetProperty("documentNamespace").GetString()!;
        if (!Uri.TryCreate(ns, UriKind.Absolute, out _) || ns.Contains('#')) errors.Add($"documentNamespace '{ns}' is not an absolute URI without '#' (6.5)");
        var creation = root.GetProperty("creationInfo");
        Require(creation, "creationInfo", "created", "creators");
        if (creation.TryGetProperty("created", out var created) && !Time().IsMatch(created.GetString()!)) errors.Add("created is not YYYY-MM-DDThh:mm:ssZ (6.9)");
        if (creation.TryGetProperty("creators", out var creators) && !creators.EnumerateArray().All(c => Creator().IsMatch(c.GetString()!)))
        {
            errors.Add("a creator is not 'Person: ', 'Organization: ' or 'Tool: ' (6.8)");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal) { "SPDXRef-DOCUMENT" };
        void Id(JsonElement e, string where)
        {
            string id = e.GetProperty("SPDXID").GetString()!;
            if (!SpdxId().IsMatch(id)) errors.Add($"{where}: SPDXID '{id}' is not SPDXRef-[idstring]");
            if (!ids.Add(id)) errors.Add($"{where}: SPDXID '{id}' is used twice");
        }

        void Checksums(JsonElement e, string where, bool sha1)
        {
            if (!e.TryGetProperty("checksums", out var sums)) return;
            foreach (var sum in sums.EnumerateArray())
            {
                string algorithm = sum.GetProperty("algorithm").GetString()!, value = sum.GetProperty("checksumValue").GetString()!;
                if (!ChecksumLengths.TryGetValue(algorithm, out int length) || value.Length != length || !Hex().IsMatch(value))
                {
                    errors.Add($"{where}: checksum {algorithm} '{value}' is not lowercase hex of its length");
                }
            }

            if (sha1 && !sums.EnumerateArray().Any(s => s.GetProperty("algorithm").GetString() == "SHA1")) errors.Add($"{where}: no SHA1 checksum (8.4)");
        }

        foreach (var package in root.TryGetProperty("packages", out var packages) ? packages.EnumerateArray() : default)
        {
            string where = "package " + (package.TryGetProperty("name", out var n) ? n.GetString() : "?");
            Require(package, where, "SPDXID", "name", "downloadLocation");
            if (!package.TryGetProperty("SPDXID", out _)) continue;
            Id(package, where);
            Checksums(package, where, sha1: false);
            if (package.TryGetProperty("primaryPackagePurpose", out var purpose) && !Purposes.Contains(purpose.GetString())) errors.Add($"{where}: purpose {purpose}");
            foreach (var reference in package.TryGetProperty("externalRefs", out var refs) ? refs.EnumerateArray() : default)
            {
                Require(reference, where + " externalRef", "referenceCategory", "referenceType", "referenceLocator");
                if (reference.GetProperty("referenceType").GetString() == "purl" && !reference.GetProperty("referenceLocator").GetString()!.StartsWith("pkg:", StringComparison.Ordinal))
                {
                    errors.Add($"{where}: a purl that does not start with pkg:");
                }
            }
        }

        foreach (var file in root.TryGetProperty("files", out var files) ? files.EnumerateArray() : default)
        {
            string where = "file " + (file.TryGetProperty("fileName", out var n) ? n.GetString() : "?");
            Require(file, where, "SPDXID", "fileName", "checksums");
            if (!file.TryGetProperty("SPDXID", out _)) continue;
            Id(file, where);
            Checksums(file, where, sha1: true);
            if (!file.GetProperty("fileName").GetString()!.StartsWith("./", StringComparison.Ordinal)) errors.Add($"{where}: the name does not start with ./ (8.1)");
        }

        foreach (var relationship in root.TryGetProperty("relationships", out var rels) ? rels.EnumerateArray() : default)
        {
            Require(relationship, "relationship", "spdxElementId", "relationshipType", "relatedSpdxElement");
            string from = relationship.GetProperty("spdxElementId").GetString()!, to = relationship.GetProperty("relatedSpdxElement").GetString()!;
            string type = relationship.GetProperty("relationshipType").GetString()!;
            if (!Relationships.Contains(type)) errors.Add($"relationship type {type} is not one of SPDX 2.3's (11.1)");
            foreach (string end in new[] { from, to }.Where(e => !ids.Contains(e) && e is not ("NONE" or "NOASSERTION"))) errors.Add($"{type}: {end} is no element");
        }

        return errors;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    private static partial Regex Time();

    [GeneratedRegex(@"^(Person|Organization|Tool): .+")]
    private static partial Regex Creator();

    [GeneratedRegex(@"^SPDXRef-[A-Za-z0-9.\-]+$")]
    private static partial Regex SpdxId();

    [GeneratedRegex("^[0-9a-f]+$")]
    private static partial Regex Hex();
}
