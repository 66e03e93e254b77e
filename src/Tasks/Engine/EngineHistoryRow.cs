namespace Diamol.Build.Engine;

/// <summary>One entry of `docker image history`, as the engine gives it.</summary>
/// <param name="Id">The image the step made ("&lt;missing&gt;" or empty for pulled history).</param>
public sealed record EngineHistoryRow(string Id, string CreatedBy, DateTimeOffset? Created, long Size);
