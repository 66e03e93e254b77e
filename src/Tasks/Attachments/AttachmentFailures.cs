using Diamol.Build.Diagnostics;

namespace Diamol.Build.Attachments;

/// <summary>The coded errors of attaching documents to an image in a registry; each names the registry and repository and says what to do.</summary>
internal static class AttachmentFailures
{
    /// <summary>The registry refused a blob or the manifest of an attachment (it may not take OCI 1.1 artifacts).</summary>
    public static DiamolException Refused(string registry, string repository, string artifactType, string subject, DiamolException cause) =>
        new(DiagnosticCode.DIAM3022,
            $"The registry {registry} refused the {artifactType} attachment of {subject} in {repository}: {cause.Message} " +
            "The image itself is pushed. The attachment is an OCI 1.1 artifact (an image manifest with an artifactType, the empty " +
            "config application/vnd.oci.empty.v1+json and a subject): use a registry, or a version of it, that accepts OCI artifacts " +
            "(CNCF Distribution 2.8 does), or publish without attachments.", cause);

    /// <summary>The referrers tag holds something that is no image index: another tool's use of the name.</summary>
    public static DiamolException TagTaken(string registry, string repository, string tag, string mediaType) =>
        new(DiagnosticCode.DIAM3023,
            $"The tag {tag} of {registry}/{repository} holds a {mediaType}, not the image index the distribution spec's referrers tag " +
            "schema keeps there, so the attachments of the image were not listed (their manifests are pushed). " +
            $"Check what pushed {tag}; delete that tag if it is not a referrers list, and publish again.");

    /// <summary>Other writers kept replacing the referrers tag: ours never stayed in it.</summary>
    public static DiamolException TagContended(string registry, string repository, string tag, int attempts) =>
        new(DiagnosticCode.DIAM3023,
            $"The referrers tag {tag} of {registry}/{repository} was replaced by another writer each of the {attempts} times the attachments " +
            "were added to it, so they are not listed (their manifests are pushed). Publish again when the other pushes of this image are " +
            "done, or use a registry with the referrers API, which keeps the list itself.");
}
