namespace Diamol.Build.Layers;

/// <summary>The publish settings that decide how finely the output can be split into layers.</summary>
/// <param name="SingleFile">PublishSingleFile: the app and its dependencies bundled into one executable.</param>
/// <param name="SelfContained">SelfContained: the .NET runtime published with the app.</param>
/// <param name="Trimmed">PublishTrimmed: unused code (of the runtime too) removed.</param>
/// <param name="Aot">PublishAot: one native executable.</param>
internal sealed record PublishMode(bool SingleFile = false, bool SelfContained = false, bool Trimmed = false, bool Aot = false)
{
    /// <summary>The app's own output is one file that changes with every edit (a single-file bundle or a native AOT binary).</summary>
    public bool OneFileApp => SingleFile || Aot;
}
