namespace Diamol.Build.Credentials;

/// <summary>What the engine locator and the credential lookup may look at: environment variables and files (replaceable in tests).</summary>
internal sealed record LocatorEnvironment(Func<string, string?> Variable, Func<string, bool> FileExists, Func<string, string?> ReadFile, string HomeDirectory)
{
    public static LocatorEnvironment Real { get; } = new(
        Environment.GetEnvironmentVariable,
        File.Exists,
        path => File.Exists(path) ? File.ReadAllText(path) : null,
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
}
