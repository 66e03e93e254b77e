namespace Diamol.Build.Engine;

/// <summary>A place a Docker engine may listen, and why we looked there (shown when none answers).</summary>
public sealed record EngineEndpoint(Uri Uri, string Source)
{
    public override string ToString() => $"{Uri} ({Source})";
}
