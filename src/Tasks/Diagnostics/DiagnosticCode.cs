namespace Diamol.Build.Diagnostics;

/// <summary>
/// The DIAM codes. Each one is documented in docs/diagnostics.md with its cause and fix;
/// a test keeps that table and this list in step.
/// </summary>
public enum DiagnosticCode
{
    /// <summary>The build runs on an MSBuild that is not .NET (Visual Studio's .NET Framework MSBuild).</summary>
    DIAM0001 = 1,

    /// <summary>An image reference (base image, repository, registry) does not follow the reference grammar.</summary>
    DIAM1001 = 1001,
    /// <summary>An image tag is not valid.</summary>
    DIAM1002 = 1002,
    /// <summary>An environment variable name is not valid.</summary>
    DIAM1003 = 1003,
    /// <summary>A label key is not valid.</summary>
    DIAM1004 = 1004,
    /// <summary>A value cannot be written into a Dockerfile exactly (it holds a line break or a NUL).</summary>
    DIAM1005 = 1005,
    /// <summary>A port is not valid.</summary>
    DIAM1006 = 1006,
    /// <summary>The working directory is not valid.</summary>
    DIAM1007 = 1007,
    /// <summary>The user is not valid.</summary>
    DIAM1008 = 1008,
    /// <summary>Warning: an ENV or LABEL name looks like a secret.</summary>
    DIAM1009 = 1009,
    /// <summary>The app command settings do not combine (ContainerAppCommandInstruction and friends).</summary>
    DIAM1010 = 1010,
    /// <summary>A DiamolInstruction item is not an instruction we can place safely.</summary>
    DIAM1011 = 1011,
    /// <summary>Warning: the base image's ENTRYPOINT is replaced by the app command.</summary>
    DIAM1012 = 1012,
    /// <summary>DiamolPullPolicy is not Missing, Always or Never.</summary>
    DIAM1013 = 1013,
    /// <summary>DiamolFileModes is not Normalize or Preserve.</summary>
    DIAM1014 = 1014,
    /// <summary>DiamolBuilder is not docker, oci or empty, or the chosen builder cannot make this image.</summary>
    DIAM1015 = 1015,
    /// <summary>A runtime identifier is not a Linux one Diamol.Build knows (Windows RIDs: Linux images only).</summary>
    DIAM1016 = 1016,
    /// <summary>ContainerImageFormat or LocalRegistry has a value the SDK does not define.</summary>
    DIAM1017 = 1017,

    /// <summary>DiamolIdleTimeout is not a positive number of seconds.</summary>
    DIAM1018 = 1018,

    /// <summary>DiamolOutputPath is the publish folder or inside it.</summary>
    DIAM1019 = 1019,

    /// <summary>DiamolOutputPath is the project folder or a folder above it.</summary>
    DIAM1020 = 1020,

    /// <summary>A DiamolWritableDirectory item (its path or Mode) is not valid, or its folder cannot be made the same way by both builders.</summary>
    DIAM1021 = 1021,

    /// <summary>
    /// The base image is for another platform than the image's runtime identifier (a single-platform base, or the engine's copy of it).
    /// </summary>
    DIAM1022 = 1022,

    /// <summary>The base image has ONBUILD triggers, which the OCI writer cannot run: the engine builder must make the image.</summary>
    DIAM1023 = 1023,

    /// <summary>
    /// A DiamolWritableDirectory's owner, the image's user, is a name (or unknown) that Diamol.Build cannot resolve to a numeric id.
    /// </summary>
    DIAM1024 = 1024,

    /// <summary>DiamolSbom names something that is no SBOM format (spdx, cyclonedx, false).</summary>
    DIAM1025 = 1025,

    /// <summary>DiamolSigningKey cannot be read: no such file, not PEM, no private key, or DIAMOL_SIGNING_KEY_PASSWORD missing or wrong.</summary>
    DIAM1026 = 1026,

    /// <summary>DiamolSigningKey holds a key that is not ECDSA P-256 (RSA, another curve, Ed25519, ...).</summary>
    DIAM1027 = 1027,

    /// <summary>The publish output is missing or a published file cannot be read.</summary>
    DIAM2001 = 2001,
    /// <summary>The build context or Dockerfile could not be written.</summary>
    DIAM2002 = 2002,
    /// <summary>Warning: PublishSingleFile bundles the app into one file, so every edit re-ships all of it.</summary>
    DIAM2003 = 2003,
    /// <summary>Warning: a self-contained, untrimmed app carries its own copy of the runtime.</summary>
    DIAM2004 = 2004,
    /// <summary>Warning: an item has DiamolLayer metadata but publishes no file.</summary>
    DIAM2005 = 2005,
    /// <summary>The image archive (ContainerArchiveOutputPath) or a layer blob could not be written.</summary>
    DIAM2006 = 2006,
    /// <summary>A symbolic link in the publish folder leads out of it, dangles, loops or names a folder.</summary>
    DIAM2007 = 2007,

    /// <summary>A record, artifact or other file in the output folder could not be written (disk full, read-only).</summary>
    DIAM2008 = 2008,

    /// <summary>Another publish has held the output folder for longer than the wait.</summary>
    DIAM2009 = 2009,

    /// <summary>This publish moved a tag that another project's image.json named.</summary>
    DIAM2010 = 2010,

    /// <summary>A Dockerfile-only publish could not read the base image (no engine, no registry): the Dockerfile lacks its facts.</summary>
    DIAM2011 = 2011,

    /// <summary>
    /// DiamolOutputPath holds a file of a name Diamol.Build writes (a Dockerfile, layers/, image.json, ...) that it did not write:
    /// nothing is overwritten.
    /// </summary>
    DIAM2012 = 2012,

    /// <summary>A file of the build context changed or vanished while it was sent to the engine.</summary>
    DIAM2013 = 2013,

    /// <summary>A later stage found the staged build context missing or not as the Dockerfile stage wrote it.</summary>
    DIAM2014 = 2014,

    /// <summary>
    /// A folder Diamol.Build keeps its own files in (the output folder's records and lock, the blob cache) is not writable by this user.
    /// </summary>
    DIAM2015 = 2015,

    /// <summary>Warning: dotnet clean could not remove a file Diamol.Build wrote into the output folder.</summary>
    DIAM2016 = 2016,

    /// <summary>The blob cache (DiamolCacheDirectory) could not be written: the disk is full, or the folder is not writable.</summary>
    DIAM2017 = 2017,

    /// <summary>Warning: large symbols files (.pdb, .dbg) are re-shipped with every edit.</summary>
    DIAM2019 = 2019,

    /// <summary>
    /// Warning: the base image's config names no platform (no architecture), so it cannot be checked against the runtime identifier.
    /// </summary>
    DIAM2020 = 2020,

    /// <summary>
    /// A multi-platform publish whose restore (obj/project.assets.json) lacks one of its platforms:
    /// refused before anything is published or pushed.
    /// </summary>
    DIAM2021 = 2021,

    /// <summary>A published file's name is not valid UTF-8: .NET cannot open it, so it cannot reach the image as named.</summary>
    DIAM2024 = 2024,

    /// <summary>Warning: the SBOM lacks what the restore should give: a package's .nuspec (no licence), or project.assets.json (no SBOM).</summary>
    DIAM2027 = 2027,

    /// <summary>No Docker engine could be reached.</summary>
    DIAM3001 = 3001,
    /// <summary>A Dockerfile step failed inside the engine.</summary>
    DIAM3002 = 3002,
    /// <summary>The engine refused a request (API error).</summary>
    DIAM3003 = 3003,
    /// <summary>The build was cancelled.</summary>
    DIAM3004 = 3004,
    /// <summary>A push (or a pull) was refused by the registry, or its credentials could not be read.</summary>
    DIAM3005 = 3005,
    /// <summary>The engine's platform is not the image's (a RID for another architecture) and the engine builder was required.</summary>
    DIAM3006 = 3006,
    /// <summary>Loading the image into the local engine (Docker or Podman) failed.</summary>
    DIAM3007 = 3007,
    /// <summary>A registry could not be reached (network: refused, reset, DNS, TLS, time-out).</summary>
    DIAM3010 = 3010,
    /// <summary>A registry answered with a server error (5xx) or a response that breaks the distribution protocol.</summary>
    DIAM3011 = 3011,
    /// <summary>A registry has no such image, or no manifest for the image's platform.</summary>
    DIAM3012 = 3012,
    /// <summary>A blob's content did not match its digest (download, cache or upload).</summary>
    DIAM3013 = 3013,

    /// <summary>The engine sent nothing for the idle time-out during an exchange (build, pull, push, load, inspect).</summary>
    DIAM3014 = 3014,

    /// <summary>The connection to the engine broke during an exchange (the engine stopped, restarted or was killed).</summary>
    DIAM3015 = 3015,

    /// <summary>A DiamolCacheFrom image could not be pulled (or is absent with DiamolPullPolicy=Never): the build runs without it.</summary>
    DIAM3016 = 3016,

    /// <summary>The engine speaks an Engine API older than the oldest we support.</summary>
    DIAM3017 = 3017,

    /// <summary>ContainerBaseImage names an image the engine does not have and could not (or may not) pull.</summary>
    DIAM3018 = 3018,

    /// <summary>The engine's answer about a build was incomplete: no image named, or the built image gone before it was read.</summary>
    DIAM3019 = 3019,

    /// <summary>docker's configuration (config.json) cannot be read: not JSON, or a stored login that is not base64.</summary>
    DIAM3020 = 3020,

    /// <summary>DiamolRegistryRetries is not a number of tries from 1 to 20.</summary>
    DIAM3021 = 3021,

    /// <summary>The registry refused a blob or the manifest of an attachment (an OCI 1.1 artifact with the image as subject).</summary>
    DIAM3022 = 3022,

    /// <summary>The referrers tag (sha256-&lt;hex&gt;) holds no image index, or other writers kept replacing it.</summary>
    DIAM3023 = 3023,

    /// <summary>The layer-history artifact could not be written.</summary>
    DIAM4001 = 4001,
    /// <summary>A history artifact named for printing or comparing cannot be read.</summary>
    DIAM4002 = 4002,

    /// <summary>DiamolDiffHistory compared artifacts of two different repositories.</summary>
    DIAM4003 = 4003,

    /// <summary>An unexpected failure inside Diamol.Build: a bug to report.</summary>
    DIAM9001 = 9001,
}
