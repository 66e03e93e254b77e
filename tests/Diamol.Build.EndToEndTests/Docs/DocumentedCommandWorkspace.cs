using System.Text.RegularExpressions;

namespace Diamol.Build.EndToEndTests.Docs;

/// <summary>
/// The folders the documented commands run in, made when first needed: one consumer project per name in
/// <see cref="DocumentedCommandRules.ProjectOf"/>, and one copy of the repository for its scripts.
/// </summary>
public sealed class DocumentedCommandWorkspace : IDisposable
{
    private readonly Dictionary<string, ConsumerProject> _projects = [];
    private string? _repository;

    /// <summary>The folder to run the command in, or null when no rule says where (the command is unclassified).</summary>
    public string? FolderFor(DocumentedCommand command)
    {
        if (DocumentedCommandRules.IsRepositoryScript(command))
        {
            return _repository ??= RepositoryCopy.To(Path.Combine(TestEnvironment.WorkRoot, "doc-commands-repository"));
        }

        if (!DocumentedCommandRules.ProjectOf.TryGetValue(command.Document, out string? name)) return null;
        if (!_projects.TryGetValue(name, out var project))
        {
            _projects[name] = project = ConsumerProject.NewConsole(name);
        }

        SeedKeptArtifacts(command, project);
        return project.Directory;
    }

    /// <summary>
    /// An image-history.json the command names under a relative folder that does not exist (the docs' old/, run-41/:
    /// artifacts kept from other CI runs) is made a copy of the project's last artifact, so the command has its input.
    /// </summary>
    private static void SeedKeptArtifacts(DocumentedCommand command, ConsumerProject project)
    {
        string artifact = Path.Combine(project.ContainerFolder, "image-history.json");
        foreach (Match path in Regex.Matches(command.Text, @"(?<=[=\s])[\w.-]+(/[\w.-]+)*/image-history\.json"))
        {
            string kept = Path.Combine(project.Directory, path.Value);
            if (File.Exists(kept) || !File.Exists(artifact)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
            File.Copy(artifact, kept);
        }
    }

    /// <summary>Removes the images the projects' publishes made (their default repository: the project's name, lowercased).</summary>
    public void Dispose()
    {
        foreach (string name in _projects.Keys)
        {
            ProcessRunner.Docker("image", "rm", "-f", name.ToLowerInvariant() + ":latest");
        }
    }
}
