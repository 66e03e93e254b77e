using Diamol.Build.Diagnostics;

namespace Diamol.Build.Common;

/// <summary>An image's platform as OCI writes it (os, architecture, variant), decided by the .NET runtime identifier.</summary>
internal sealed record ImagePlatform(string Os, string Architecture, string? Variant = null)
{
    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";

    /// <summary>A platform as <see cref="ToString"/> writes it: os/architecture[/variant].</summary>
    public static ImagePlatform Parse(string text)
    {
        string[] parts = text.Split('/');
        return new ImagePlatform(parts[0], parts[1], parts.Length > 2 ? parts[2] : null);
    }

    /// <summary>True when an image or index entry of <paramref name="other"/> runs here (a missing variant matches any).</summary>
    public bool Matches(ImagePlatform other) =>
        Os == other.Os && Architecture == other.Architecture && (Variant is null || other.Variant is null || Variant == other.Variant);

    /// <summary>
    /// The platform of a runtime identifier (linux-x64, linux-musl-arm64, linux-arm, ...). Windows RIDs are refused:
    /// Diamol.Build makes Linux images only.
    /// </summary>
    /// <param name="property">The property the RID came from, for the message.</param>
    public static ImagePlatform FromRuntimeIdentifier(string rid, string property = "ContainerRuntimeIdentifier")
    {
        string value = rid.Trim();
        string[] parts = value.ToLowerInvariant().Split('-');
        if (parts.Length >= 2 && parts[0] == "win")
        {
            throw new DiamolException(DiagnosticCode.DIAM1016,
                $"{property} has the value '{rid}', a Windows runtime identifier: Diamol.Build makes Linux images only. " +
                "Publish for a Linux RID (linux-x64, linux-arm64), or use the SDK's PublishContainer (DiamolEnabled=false) for Windows images.");
        }

        // A standalone Blazor WebAssembly app publishes for the browser: static files with no .NET process to run.
        if (parts[0] == "browser")
        {
            throw new DiamolException(DiagnosticCode.DIAM1016,
                $"{property} has the value '{rid}': this is a standalone Blazor WebAssembly app, static files for a web server with no " +
                ".NET process for a container to run. Publish an ASP.NET Core project that hosts it instead (a Blazor Web App with " +
                "WebAssembly interactivity, or a server with a ProjectReference to this client that serves its files): its image " +
                "carries the client's files in layers by change rate.");
        }

        if (parts.Length >= 2 && parts[0] == "linux")
        {
            string architecture = parts[^1];
            ImagePlatform? platform = architecture switch
            {
                "x64" => new ImagePlatform("linux", "amd64"),
                "arm64" => new ImagePlatform("linux", "arm64", "v8"),
                "arm" => new ImagePlatform("linux", "arm", "v7"),
                "x86" => new ImagePlatform("linux", "386"),
                "s390x" => new ImagePlatform("linux", "s390x"),
                "ppc64le" => new ImagePlatform("linux", "ppc64le"),
                "riscv64" => new ImagePlatform("linux", "riscv64"),
                "loongarch64" => new ImagePlatform("linux", "loong64"),
                _ => null,
            };
            if (platform is not null) return platform;
        }

        throw new DiamolException(DiagnosticCode.DIAM1016,
            $"{property} has the value '{rid}', which is not a Linux runtime identifier Diamol.Build knows " +
            "(linux-x64, linux-arm64, linux-arm, linux-musl-x64, linux-musl-arm64, ...). Use one of those.");
    }
}
