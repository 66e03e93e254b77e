namespace Diamol.Build.Engine;

/// <summary>One Dockerfile step as the engine ran it: whether it came from the build cache, and the image it produced.</summary>
public sealed record BuildStep(int Number, string Instruction, bool Cached, string? ImageId);

/// <summary>What a build produced: the image (as the engine named it; possibly a short id until inspected), its tags, and every step with its cache status.</summary>
public sealed record BuildResult(string ImageId, IReadOnlyList<string> Tags, IReadOnlyList<BuildStep> Steps);
