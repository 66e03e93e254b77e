using System.Text.RegularExpressions;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Spec;

/// <summary>
/// Validates <see cref="ContainerSpecInput"/> and turns it into a <see cref="ContainerSpec"/>.
/// Every rule is checked before anything is written, so a bad value never produces a Dockerfile.
/// </summary>
internal static partial class ContainerSpecFactory
{
    /// <summary>Labels whose value is the build time: the OCI writer stamps them with the reproducible time.</summary>
    public static readonly IReadOnlySet<string> TimeLabelKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "org.opencontainers.image.created",
        "org.opencontainers.artifact.created",
    };

    /// <summary>Labels whose values change with every build (the time labels, the version, the revision); written last so they never invalidate a file layer.</summary>
    public static readonly IReadOnlySet<string> VolatileLabelKeys =
        new HashSet<string>([.. TimeLabelKeys, "org.opencontainers.image.version", "org.opencontainers.image.revision"], StringComparer.Ordinal);

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvNamePattern();

    /// <summary>What a variable's name may be (ENV, and the build's ARG): <see cref="VariableNameRule"/>.</summary>
    public static bool IsVariableName(string name) => EnvNamePattern().IsMatch(name);

    public const string VariableNameRule = "a name starts with a letter or '_' and holds only ASCII letters, digits and '_'";

    // Label keys: reverse-DNS style keys and plain words; no spaces, quotes, '=' or control characters.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/-]*$")]
    private static partial Regex LabelKeyPattern();

    // A conservative path alphabet: WORKDIR expands variables and strips quotes, so nothing here may be special.
    [GeneratedRegex(@"^/(?:[A-Za-z0-9._@+-]+/?)*$")]
    private static partial Regex WorkingDirectoryPattern();

    [GeneratedRegex(@"^(?:[A-Za-z0-9_][A-Za-z0-9._-]*|\$[A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z0-9_][A-Za-z0-9._-]*)?$")]
    private static partial Regex UserPattern();

    /// <param name="input">The project's settings.</param>
    /// <param name="baseImage">What the engine knows about the base image; null when it was not inspected.</param>
    /// <param name="warnings">Receives warnings.</param>
    public static ContainerSpec Create(ContainerSpecInput input, BaseImageFacts? baseImage, ICollection<Diagnostic> warnings)
    {
        // The checks run in this order, so a project with several faults always hears of the same one first.
        var baseReference = BaseImageOf(input);
        string? registry = RegistryOf(input);
        RequireRepository(input);
        RequireTags(input);
        var environment = EnvironmentOf(input, warnings);
        var (stableLabels, volatileLabels) = LabelsOf(input, baseImage, warnings);
        // The environment the app will see: the base image's, then the project's on top.
        var mergedEnvironment = MergeEnvironment(baseImage?.Env ?? [], environment);
        var ports = PortsOf(input, mergedEnvironment);
        string workingDirectory = WorkingDirectoryOf(input);
        string? user = UserOf(input, mergedEnvironment);
        var (entrypoint, command) = CommandOf(input, workingDirectory, baseImage, warnings);
        var instructions = input.Instructions.Select(i => CustomInstructionParser.Parse(i.Name, i.Text, i.Placement)).ToArray();

        return new ContainerSpec
        {
            BaseImage = baseReference,
            BaseImageText = input.BaseImage,
            BaseImageDigest = baseImage?.Digest,
            Registry = registry,
            Repository = registry is null ? input.Repository : $"{registry}/{input.Repository}",
            Tags = input.Tags.Distinct(StringComparer.Ordinal).ToArray(),
            WorkingDirectory = workingDirectory,
            User = user,
            Environment = environment,
            StableLabels = stableLabels,
            VolatileLabels = volatileLabels,
            Ports = ports,
            Entrypoint = entrypoint,
            Command = command,
            CustomInstructions = instructions,
        };
    }

    private static ImageReference BaseImageOf(ContainerSpecInput input) =>
        ImageReference.TryParse(input.BaseImage, out string? baseError)
            ?? throw Invalid(DiagnosticCode.DIAM1001, "ContainerBaseImage", input.BaseImage, baseError!,
                "Use a reference such as 'mcr.microsoft.com/dotnet/runtime:10.0' or 'localhost:5000/dotnet/aspnet:10.0'.");

    private static string? RegistryOf(ContainerSpecInput input)
    {
        string? registry = string.IsNullOrWhiteSpace(input.Registry) ? null : input.Registry.Trim();
        if (registry is not null && !ImageReference.IsValidRegistry(registry))
        {
            throw Invalid(DiagnosticCode.DIAM1001, "ContainerRegistry", registry,
                "it is not a host name with an optional port", "Use a registry host such as 'localhost:5000' or 'ghcr.io'.");
        }

        return registry;
    }

    private static void RequireRepository(ContainerSpecInput input)
    {
        if (!ImageReference.IsValidRepository(input.Repository))
        {
            throw Invalid(DiagnosticCode.DIAM1001, "ContainerRepository", input.Repository,
                "a repository is lowercase letters, digits and separators ('.', '_', '__', '-') in path components joined by '/'",
                "Set ContainerRepository to a name such as 'webping' or 'team/webping'.");
        }
    }

    private static void RequireTags(ContainerSpecInput input)
    {
        if (input.Tags.Count == 0)
        {
            throw Invalid(DiagnosticCode.DIAM1002, "ContainerImageTags", "", "no tag was given",
                "Set ContainerImageTag (one tag) or ContainerImageTags (several, separated by ';').");
        }

        foreach (string tag in input.Tags)
        {
            if (!ImageReference.IsValidTag(tag))
            {
                throw Invalid(DiagnosticCode.DIAM1002, "ContainerImageTags", tag,
                    $"a tag starts with a letter, digit or '_' and holds at most {ImageReference.MaxTagLength} " +
                    "ASCII letters, digits, '_', '.' and '-'",
                    "Change the tag, for example '1.2.3' or 'latest'.");
            }
        }
    }

    private static List<NameValue> EnvironmentOf(ContainerSpecInput input, ICollection<Diagnostic> warnings)
    {
        var environment = new List<NameValue>();
        foreach (var variable in input.Environment)
        {
            if (!IsVariableName(variable.Name))
            {
                throw Invalid(DiagnosticCode.DIAM1003, "ContainerEnvironmentVariable", variable.Name, VariableNameRule,
                    "Rename the variable, for example 'MY_SETTING'.");
            }

            RequireWritable("ContainerEnvironmentVariable", variable);
            WarnIfSecret("ContainerEnvironmentVariable", "ENV", variable.Name, warnings);
            Upsert(environment, variable);
        }

        return environment;
    }

    private static (List<NameValue> Stable, List<NameValue> Volatile) LabelsOf(
        ContainerSpecInput input, BaseImageFacts? baseImage, ICollection<Diagnostic> warnings)
    {
        var stableLabels = new List<NameValue>();
        var volatileLabels = new List<NameValue>();
        // As the SDK: with ContainerGenerateLabels=false no label item is written at all, not even the project's own.
        var labels = input.GenerateLabels ? input.Labels.ToList() : [];
        if (input.GenerateLabels && input.GenerateBaseDigestLabel && baseImage?.LabelDigest is { } digest)
        {
            labels.Add(new NameValue("org.opencontainers.image.base.digest", digest));
        }

        foreach (var label in labels)
        {
            if (!LabelKeyPattern().IsMatch(label.Name))
            {
                throw Invalid(DiagnosticCode.DIAM1004, "ContainerLabel", label.Name,
                    "a label key starts with a letter or digit and holds only ASCII letters, digits, '.', '_', '/' and '-'",
                    "Use a key such as 'org.example.team'.");
            }

            RequireWritable("ContainerLabel", label);
            WarnIfSecret("ContainerLabel", "LABEL", label.Name, warnings);
            Upsert(VolatileLabelKeys.Contains(label.Name) ? volatileLabels : stableLabels, label);
        }

        return (stableLabels, volatileLabels);
    }

    private static List<ContainerPort> PortsOf(ContainerSpecInput input, IReadOnlyDictionary<string, string> mergedEnvironment)
    {
        var ports = new List<ContainerPort>();
        foreach (var port in input.Ports)
        {
            string protocol = string.IsNullOrWhiteSpace(port.Value) ? "tcp" : port.Value.Trim().ToLowerInvariant();
            if (!int.TryParse(port.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int number)
                || number is < 1 or > 65535 || protocol is not ("tcp" or "udp"))
            {
                throw Invalid(DiagnosticCode.DIAM1006, "ContainerPort", $"{port.Name} (Type='{port.Value}')",
                    "a port is a number from 1 to 65535 with Type 'tcp' or 'udp'",
                    "Write <ContainerPort Include=\"8080\" Type=\"tcp\" />.");
            }

            var parsed = new ContainerPort(number, protocol);
            if (!ports.Contains(parsed)) ports.Add(parsed);
        }

        foreach (var inferred in PortInference.FromEnvironment(mergedEnvironment))
        {
            if (!ports.Contains(inferred)) ports.Add(inferred);
        }

        return ports;
    }

    private static string WorkingDirectoryOf(ContainerSpecInput input)
    {
        string workingDirectory = string.IsNullOrWhiteSpace(input.WorkingDirectory) ? "/app/" : input.WorkingDirectory;
        if (!WorkingDirectoryPattern().IsMatch(workingDirectory))
        {
            throw Invalid(DiagnosticCode.DIAM1007, "ContainerWorkingDirectory", workingDirectory,
                "it must be an absolute Linux path made of ASCII letters, digits and '.', '_', '@', '+', '-'",
                "Use a path such as '/app/'.");
        }

        // WORKDIR keeps an absolute path as written while COPY and the start command resolve '..' each their own way,
        // so the files, the working directory and the command would disagree.
        if (workingDirectory.Split('/').Any(part => part is "." or ".."))
        {
            throw Invalid(DiagnosticCode.DIAM1007, "ContainerWorkingDirectory", workingDirectory,
                "it contains a '.' or '..' part", "Write the folder it means without them, such as '/app/'.");
        }

        // The container runtime mounts its own file systems over these when the container starts: the files copied
        // there are hidden and the app cannot be found.
        string[] parts = workingDirectory.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length > 0 && parts[0] is "proc" or "sys" or "dev")
        {
            throw Invalid(DiagnosticCode.DIAM1007, "ContainerWorkingDirectory", workingDirectory,
                $"/{parts[0]} is a kernel file system the container runtime mounts at start, over the files copied there",
                "Use a folder of its own, such as '/app/'.");
        }

        return workingDirectory;
    }

    private static string? UserOf(ContainerSpecInput input, IReadOnlyDictionary<string, string> mergedEnvironment)
    {
        // As the SDK: ContainerUser, else the APP_UID the environment defines (Microsoft's images set it), else the base image's.
        string? user = !string.IsNullOrWhiteSpace(input.User) ? input.User
            : mergedEnvironment.TryGetValue("APP_UID", out string? appUid) && appUid.Length > 0 ? appUid
            : null;
        if (user is not null && !UserPattern().IsMatch(user))
        {
            throw Invalid(DiagnosticCode.DIAM1008, "ContainerUser", user,
                "a user is a name or numeric id, optionally ':group', or a $VARIABLE such as $APP_UID",
                "Use a value such as 'app', '1654' or '1654:1654'.");
        }

        return user;
    }

    private static (IReadOnlyList<string>? Entrypoint, IReadOnlyList<string>? Command) CommandOf(
        ContainerSpecInput input, string workingDirectory, BaseImageFacts? baseImage, ICollection<Diagnostic> warnings)
    {
        var (entrypoint, command) = CommandResolver.Resolve(input with { AppCommand = JoinWorkingDirectory(input, workingDirectory) },
            baseImage, warnings);
        foreach (string argument in (entrypoint ?? []).Concat(command ?? []))
        {
            RequireWritable("ContainerAppCommand", new NameValue("argument", argument));
        }

        return (entrypoint, command);
    }

    /// <summary>
    /// The SDK infers the app command as $(ContainerWorkingDirectory)$(TargetFileName), so `/srv/app` gives
    /// `/srv/appweb.dll`, an image that cannot start. An inferred command is joined with the '/' it lacks; a command
    /// the project wrote itself is left exactly as written.
    /// </summary>
    private static IReadOnlyList<string> JoinWorkingDirectory(ContainerSpecInput input, string workingDirectory)
    {
        if (!input.AppCommandInferred || workingDirectory.EndsWith('/')) return input.AppCommand;
        return input.AppCommand
            .Select(part => part.Length > workingDirectory.Length && part.StartsWith(workingDirectory, StringComparison.Ordinal)
                && part[workingDirectory.Length] != '/'
                ? workingDirectory + "/" + part[workingDirectory.Length..]
                : part)
            .ToArray();
    }

    // A later item with the same name wins, as a later `docker run -e` does; it keeps the first one's position
    // so the order stays stable.
    private static void Upsert(List<NameValue> values, NameValue value)
    {
        int existing = values.FindIndex(v => v.Name == value.Name);
        if (existing >= 0) values[existing] = value; else values.Add(value);
    }

    private static Dictionary<string, string> MergeEnvironment(IEnumerable<string> baseEnvironment, IEnumerable<NameValue> project)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string entry in baseEnvironment)
        {
            int equals = entry.IndexOf('=');
            if (equals > 0) merged[entry[..equals]] = entry[(equals + 1)..];
        }

        foreach (var variable in project) merged[variable.Name] = variable.Value;
        return merged;
    }

    /// <summary>
    /// The Dockerfile has no escape for a line break inside a value, and NUL cannot travel at all:
    /// refuse rather than build an image whose value differs from what the project says.
    /// </summary>
    private static void RequireWritable(string property, NameValue item)
    {
        int at = item.Value.IndexOfAny(['\n', '\r', '\0']);
        if (at >= 0)
        {
            // The value itself stays out of the message: multi-line values are often keys or certificates.
            string what = item.Value[at] == '\0' ? "a NUL character" : "a line break";
            throw new DiamolException(DiagnosticCode.DIAM1005,
                $"{property} '{item.Name}' has a value ({item.Value.Length} characters) with {what} at position {at + 1}. " +
                "A Dockerfile cannot carry it exactly, so nothing was built. " +
                "Put the value on one line, or pass it at run time with `docker run -e`.");
        }
    }

    private static void WarnIfSecret(string property, string instruction, string name, ICollection<Diagnostic> warnings)
    {
        if (SecretNames.LooksSecret(name))
        {
            warnings.Add(new Diagnostic(DiagnosticCode.DIAM1009,
                $"{property} '{name}' looks like a secret. Its value is stored in the image's {instruction} configuration, " +
                "readable by anyone who can pull the image. Pass secrets at run time (docker run -e, a secret store) instead."));
        }
    }

    internal static DiamolException Invalid(DiagnosticCode code, string property, string value, string rule, string fix) =>
        new(code, $"{property} has the value '{Escape(value)}', which is not valid: {rule}. {fix}");

    private static string Escape(string value) =>
        value.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\0", "\\0");
}
