namespace Diamol.Build.Tests;

/// <summary>
/// A new, empty folder under the system's temp folder for one test, removed with everything in it when disposed:
/// <c>using var temp = new TempFolder("name");</c> in a test, or <see cref="TempFolderTest"/> for a class whose tests each
/// need one.
/// </summary>
public sealed class TempFolder : IDisposable
{
    /// <param name="name">Part of the folder's name (diamol-name-random), so a folder a failed run left says which test made it.</param>
    public TempFolder(string name) => Path = Directory.CreateTempSubdirectory("diamol-" + name + "-").FullName;

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

/// <summary>A test class whose every test gets its own <see cref="TempFolder"/>, <see cref="Root"/>.</summary>
public abstract class TempFolderTest
{
    private TempFolder? _folder;

    /// <summary>This test's folder: created before the test, removed after it.</summary>
    protected string Root => _folder?.Path ?? throw new InvalidOperationException("The temp folder exists only while a test runs.");

    [TestInitialize]
    public void CreateTempFolder() => _folder = new TempFolder(GetType().Name);

    [TestCleanup]
    public void DeleteTempFolder() => _folder?.Dispose();
}
