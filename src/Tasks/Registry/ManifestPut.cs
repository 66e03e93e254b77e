namespace Diamol.Build.Registry;

/// <summary>What a manifest push got back.</summary>
/// <param name="Digest">The manifest's digest (Docker-Content-Digest, else computed).</param>
/// <param name="Subject">
/// The OCI-Subject header: a registry with the referrers API names the subject it indexed the manifest under; null from
/// a registry without it (the pusher then keeps the referrers tag itself).
/// </param>
/// <param name="PreconditionFailed">A conditional push (If-Match) found the tag changed since it was read: nothing was pushed.</param>
internal sealed record ManifestPut(string Digest, string? Subject, bool PreconditionFailed);
