namespace Diamol.Build.Spec;

/// <summary>
/// What the engine knows about the base image, where the SDK's rules need it: its environment (APP_UID gives the
/// default user, ASPNETCORE_* the ports), its entrypoint (kept or replaced), and its digest (to pin FROM and for
/// the org.opencontainers.image.base.digest label).
/// </summary>
/// <param name="Digest">The manifest digest the base image was pulled or pushed with (sha256:...), if the engine knows one.</param>
public sealed record BaseImageFacts(
    string? Digest,
    IReadOnlyList<string> Env,
    IReadOnlyList<string>? Entrypoint);
