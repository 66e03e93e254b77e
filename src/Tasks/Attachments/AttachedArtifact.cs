namespace Diamol.Build.Attachments;

/// <summary>How a registry lets its clients find an attachment from the image's digest.</summary>
internal enum ReferrersDiscovery
{
    /// <summary>The registry has the referrers API: it indexes the manifest's subject itself.</summary>
    ReferrersApi,

    /// <summary>The registry has not: the attachment is listed in the index under the referrers tag (sha256-&lt;hex&gt;).</summary>
    TagSchema,

    /// <summary>An OCI image layout: the manifest is an entry of its index.json.</summary>
    LayoutIndex,
}

/// <summary>One attachment where it went: its subject, its manifest's digest, and how it is found from the subject.</summary>
/// <param name="Where">The referrers tag under <see cref="ReferrersDiscovery.TagSchema"/>, else null.</param>
internal sealed record AttachedArtifact(string SubjectDigest, string ManifestDigest, string ArtifactType, ReferrersDiscovery Discovery, string? Where);
