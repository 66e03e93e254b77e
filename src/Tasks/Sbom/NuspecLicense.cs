using System.Xml;
using System.Xml.Linq;

namespace Diamol.Build.Sbom;

/// <summary>
/// The licence a package declares, read offline from its .nuspec in the package folder restore used: only a
/// <c>&lt;license type="expression"&gt;</c> is an SPDX expression; a licence file or a bare licenseUrl says nothing
/// a tool can check, so it gives null (NOASSERTION in the documents).
/// </summary>
internal static class NuspecLicense
{
    /// <summary>The nuspec of a library below one of the package folders, or null when none has it.</summary>
    public static string? FindNuspec(IEnumerable<string> packageFolders, string id, string? libraryPath)
    {
        if (string.IsNullOrEmpty(libraryPath)) return null;
        return packageFolders
            .Select(folder => Path.Combine(folder, libraryPath, id.ToLowerInvariant() + ".nuspec"))
            .FirstOrDefault(File.Exists);
    }

    public static string? ExpressionIn(string nuspecPath)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(nuspecPath);
        }
        catch (Exception e) when (e is XmlException or IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var license = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "license" && e.Parent?.Name.LocalName == "metadata");
        return license is not null && (string?)license.Attribute("type") == "expression" && license.Value.Trim() is { Length: > 0 } expression
            ? expression
            : null;
    }
}
