using System.IO.Compression;
using System.Reflection;

namespace Diamol.Build.EndToEndTests.Registry;

/// <summary>
/// Reaches Diamol.Build.Registry.RegistryClient in the task assembly of the package this run packed. This project
/// does not reference the task project (it tests the package), so the assembly is loaded from the package and
/// called through reflection and <c>dynamic</c>.
/// </summary>
internal static class PackagedRegistryClient
{
    private static readonly Lazy<Assembly> TasksAssembly = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A RegistryClient whose login comes from a CredentialLookup of its own (the environment, then docker's login) for pushing.</summary>
    public static dynamic Create(string registry, long? chunkThreshold = null, long? chunkSize = null)
    {
        var type = Type("Diamol.Build.Registry.RegistryClient");
        var access = Enum.Parse(Type("Diamol.Build.Credentials.RegistryAccess"), "Push");
        // Every parameter after the access takes its default (the request time-out, retries, log, and any added later).
        var create = type.GetMethod("Create")!;
        object?[] arguments = [registry, access, .. create.GetParameters().Skip(2).Select(p => p.HasDefaultValue ? p.DefaultValue : null)];
        object client = create.Invoke(null, arguments)!;
        // Init-only properties: settable through reflection after construction.
        if (chunkThreshold is not null) type.GetProperty("ChunkThreshold")!.SetValue(client, chunkThreshold.Value);
        if (chunkSize is not null) type.GetProperty("ChunkSize")!.SetValue(client, chunkSize.Value);
        return client;
    }

    // dynamic, not object: the runtime binder binds statically typed arguments by their compile-time type.
    public static dynamic Platform(string os, string architecture, string? variant = null) =>
        Activator.CreateInstance(Type("Diamol.Build.Common.ImagePlatform"), os, architecture, variant)!;

    public static dynamic Blob(string mediaType, string digest, long size) =>
        Activator.CreateInstance(Type("Diamol.Build.Registry.BlobDescriptor"), mediaType, digest, size)!;

    /// <summary>The DIAM code of a DiamolException from the package ("DIAM3005"), or null for any other exception.</summary>
    public static string? CodeOf(Exception e) =>
        e.GetType().FullName == "Diamol.Build.Diagnostics.DiamolException" ? e.GetType().GetProperty("Code")!.GetValue(e)!.ToString() : null;

    private static Type Type(string name) => TasksAssembly.Value.GetType(name, throwOnError: true)!;

    private static Assembly Load()
    {
        string package = Directory.GetFiles(TestEnvironment.Feed, "Diamol.Build.*.nupkg").Single();
        string folder = Path.Combine(TestEnvironment.WorkRoot, "registry-tasks");
        using (var archive = ZipFile.OpenRead(package))
        {
            foreach (var entry in archive.Entries.Where(e => e.FullName.StartsWith("tasks/net8.0/", StringComparison.Ordinal) && e.Name.Length > 0))
            {
                string target = Path.Combine(folder, entry.FullName["tasks/net8.0/".Length..]);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                entry.ExtractToFile(target, overwrite: true);
            }
        }

        return Assembly.LoadFrom(Path.Combine(folder, "Diamol.Build.Tasks.dll"));
    }
}
