using Diamol.Build.Common;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Oci;
using Diamol.Build.Spec;

namespace Diamol.Build.Pipeline;

/// <summary>
/// The base-image policy of the Dockerfile stage: where its facts (digest pin, APP_UID user, ports, entrypoint,
/// platform) come from, and what happens when nobody answers. With DiamolInspectBaseImage the builder that will build
/// on it is asked (the OCI writer's registry, or the engine, which pulls what it lacks), and a failure fails the
/// publish; a Dockerfile-only publish asks the engine, then the registry, and writes the Dockerfile without them, with
/// a warning (DIAM2011), when neither answers.
/// </summary>
internal sealed class BaseImageLookup(DockerfileRequest request, DockerfileServices services, Lazy<IEngineSource> engines, ImagePlatform platform)
{
    /// <param name="decision">The builder chosen; null when no image is built.</param>
    public BaseImageFacts? Read(BuilderDecision? decision)
    {
        if (request.InspectBaseImage)
        {
            return decision?.Builder == Builder.Oci ? FromRegistry(building: true) : FromEngine(building: decision is not null);
        }

        return request.InspectBaseImageBestEffort ? BestEffort() : null;
    }

    private string BaseImage => request.Spec.BaseImage;

    private TimeSpan? IdleLimit => BuildOptions.ParseIdleTimeout(request.IdleTimeout);

    /// <param name="building">
    /// The OCI writer makes the image on it: a base it cannot make a true image of is refused now, before anything is
    /// staged (its warnings come from the writer).
    /// </param>
    private BaseImageFacts? FromRegistry(bool building = false)
    {
        var reference = ImageReference.TryParse(BaseImage, out _);
        if (reference is null) return null; // validation reports it with the property's name
        using var registries = services.Registries(IdleLimit, Registry.RetryPolicy.Parse(request.RegistryRetries));
        var manifest = RegistryBaseImage.ReadAsync(registries, reference, platform, request.PushRegistry, services.Cancellation)
            .GetAwaiter().GetResult();
        if (building) manifest.RequireUsableFor(BaseImage, platform);
        return manifest.Facts();
    }

    /// <param name="building">
    /// The engine builds on it: its copy of the base must be for the image's platform (the classic builder has no --platform).
    /// </param>
    private BaseImageFacts? FromEngine(bool building = false)
    {
        var facts = DockerfileStage.ReadBaseImageAsync(BaseImage, engines.Value, BuildOptions.ParsePullPolicy(request.PullPolicy), IdleLimit,
            services.Credentials(), request.PushRegistry, services.Log, services.Cancellation).GetAwaiter().GetResult();
        if (facts is null) return null;
        if (building && BaseImageRequirements.RequirePlatform(BaseImage, facts.Platform, platform, "the engine's image") is { } warning)
        {
            services.Log.Warning(warning.Code, warning.Message);
        }

        // The label holds the digest of the platform's manifest, as PublishContainer's; the engine knows only the index's.
        if (request.Spec.GenerateLabels && request.Spec.GenerateBaseDigestLabel && facts.Digest is { } pinned
            && ImageReference.TryParse(BaseImage, out _) is { } reference)
        {
            // Best effort (the label is left out when the registry cannot answer): two tries and a 30 s idle limit by
            // default, not a publish held for minutes; the build's credential lookup all the same.
            using var registries = services.Registries(IdleLimit ?? TimeSpan.FromSeconds(30), Registry.RetryPolicy.Default with { MaxTries = 2 });
            var (digest, why) = BaseManifestDigest.ResolveAsync(
                    registries, reference, pinned, platform, request.Output, request.PushRegistry, services.Cancellation)
                .GetAwaiter().GetResult();
            if (digest is null)
            {
                services.Log.Step(
                    $"{request.ProjectName}: the label org.opencontainers.image.base.digest holds {pinned}, the digest the engine knows the " +
                    $"base by, because its registry did not say which manifest of it is for {platform} ({why}); PublishContainer writes " +
                    "that manifest's digest.");
            }

            facts = facts with { ManifestDigest = digest };
        }

        return facts;
    }

    // The engine first (it pulls what it lacks, as a build would), then the base image's registry; neither answering
    // leaves the Dockerfile without the base image's facts, said in a warning rather than failing a Dockerfile-only publish.
    private BaseImageFacts? BestEffort()
    {
        var reasons = new List<string>();
        try
        {
            return FromEngine();
        }
        catch (DiamolException e) when (e.Code is not DiagnosticCode.DIAM1001)
        {
            reasons.Add(e.Message);
        }

        try
        {
            return FromRegistry();
        }
        catch (DiamolException e)
        {
            reasons.Add(e.Message);
        }

        services.Log.Warning(DiagnosticCode.DIAM2011,
            "The Dockerfile was written without the base image's facts (the digest pin, the APP_UID user, the ASP.NET ports), because " +
            $"neither an engine nor the registry of '{BaseImage}' answered: {string.Join(" / ", reasons)} A `docker build` of it gives a " +
            "different image from a normal publish. Start the engine (or make the registry reachable) and publish again, or set " +
            "DiamolInspectBaseImage=false to write it without them on purpose.");
        return null;
    }
}
