namespace Diamol.Build.Provenance;

/// <summary>An artifact the provenance is about: its name (the repository, or repository:tag) and its sha256 digest.</summary>
internal sealed record ProvenanceSubject(string Name, string Digest);

/// <summary>
/// What a provenance statement says about one publish, as plain values (no MSBuild types): the task that calls it maps
/// the project's properties here. Settings and build arguments come in unredacted; the statement redacts them.
/// </summary>
/// <param name="Subjects">The image (its manifest or index digest) and, for an index, each platform's manifest.</param>
/// <param name="BuilderId">The URI of the builder that ran the publish (the CI platform's, or a local machine's), runDetails.builder.id.</param>
/// <param name="DiamolVersion">Diamol.Build's version, recorded as the builder's version.</param>
/// <param name="Settings">The resolved settings (ContainerRepository, ContainerBaseImage, DiamolBuilder, ...): the external parameters.</param>
/// <param name="BuildArguments">DiamolBuildArg values: inputs, never part of the image; their values are always redacted.</param>
/// <param name="InternalParameters">Facts of the run that are not the user's choice (SDK version, runtime identifier, builder chosen).</param>
/// <param name="RepositoryUrl">The source repository (RepositoryUrl); credentials in it are dropped.</param>
/// <param name="SourceRevisionId">The source commit (SourceRevisionId).</param>
/// <param name="BaseImage">The base image reference as resolved (ContainerBaseImage).</param>
/// <param name="BaseImageDigest">The base image's manifest (or index) digest, sha256.</param>
/// <param name="BuildTime">The reproducible time (ReproducibleTime: SOURCE_DATE_EPOCH, else the fixed epoch): started and finished on.</param>
/// <param name="InvocationId">The CI run's identifier when there is one (a run URL); left out when null.</param>
internal sealed record ProvenanceInput(
    IReadOnlyList<ProvenanceSubject> Subjects,
    string BuilderId,
    string DiamolVersion,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyDictionary<string, string> BuildArguments,
    IReadOnlyDictionary<string, string> InternalParameters,
    string? RepositoryUrl,
    string? SourceRevisionId,
    string? BaseImage,
    string? BaseImageDigest,
    DateTimeOffset BuildTime,
    string? InvocationId = null);
