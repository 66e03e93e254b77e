namespace Diamol.Build.EndToEndTests;

/// <summary>
/// A copy of the repository's sources (no build output, no git), for tests that run what a user runs at the root
/// (`dotnet pack`, eng/ scripts): working in the real tree would rebuild the test assembly that is running.
/// </summary>
public static class RepositoryCopy
{
    public static string To(string target)
    {
        string root = TestEnvironment.RepositoryRoot;
        foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, file);
            string[] parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Any(p => p is "bin" or "obj" or "artifacts" or ".git" or "node_modules")) continue;
            string destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }
}
