using Diamol.Build.Common;

namespace Diamol.Build.Engine;

/// <summary>What a build produced: the image (as the engine named it; possibly a short id until inspected), its references, and every step with its cache status.</summary>
/// <param name="References">Full image references, "repository:tag" (the manifest's and the artifact's Tags are the short tags alone).</param>
/// <param name="ContextSent">How long the engine took to read the context, until its first step began (timing only, not kept in the record).</param>
internal sealed record BuildResult(string ImageId, IReadOnlyList<string> References, IReadOnlyList<BuildStep> Steps,
    [property: System.Text.Json.Serialization.JsonIgnore] TimeSpan? ContextSent = null);
