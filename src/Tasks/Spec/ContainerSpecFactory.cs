using System.Text.RegularExpressions;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Spec;

/// <summary>
/// Validates <see cref="ContainerSpecInput"/> and turns it into a <see cref="ContainerSpec"/>.
/// Every rule is checked before anything is written, so a bad value never produces a Dockerfile.
/// </summary>
public static partial class ContainerSpecFactory
{
    /// <summary>Labels whose values change with every build; written last so they never invalidate a file layer.</summary>
    public static readonly IReadOnlySet<string> VolatileLabelKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "org.opencontainers.image.created",
        "org.opencontainers.artifact.created",
        "org.opencontainers.image.version",
        "org.opencontainers.image.revision",
    };

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvNamePattern();

    // Label keys: reverse-DNS style keys and plain words; no spaces, quotes, '=' or control characters.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/-]*$")]
    private static partial Regex LabelKeyPattern();

    // A conservative path alphabet: WORKDIR expands variables and strips quotes, so nothing here may be special.
    [GeneratedRegex(@"^/(?:[A-Za-z0-9._@+-]+/?)*$")]
    private static partial Regex WorkingDirectoryPattern();

    [GeneratedRegex(@"^(?:[A-Za-z0-9_][A-Za-z0-9._-]*|\$[A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z0-9_][A-Za-z0-9._-]*)?$")]
    private static partial Regex UserPattern();

    public static ContainerSpec Create(ContainerSpecInput input, ICollection<Diagnostic> warnings)
    {
        var baseImage = ImageReference.TryParse(input.BaseImage, out string? baseError)
            ?? throw Invalid(DiagnosticCode.DIAM1001, "ContainerBaseImage", input.BaseImage, baseError!,
                "Use a reference such as 'mcr.microsoft.com/dotnet/runtime:10.0' or 'localhost:5000/dotnet/aspnet:10.0'.");

        string? registry = string.IsNullOrWhiteSpace(input.Registry) ? null : input.Registry.Trim();
        if (registry is not null && !ImageReference.IsValidRegistry(registry))
        {
            throw Invalid(DiagnosticCode.DIAM1001, "ContainerRegistry", registry,
                "it is not a host name with an optional port", "Use a registry host such as 'localhost:5000' or 'ghcr.io'.");
        }

        if (!ImageReference.IsValidRepository(input.Repository))
        {
            throw Invalid(DiagnosticCode.DIAM1001, "ContainerRepository", input.Repository,
                "a repository is lowercase letters, digits and separators ('.', '_', '__', '-') in path components joined by '/'",
                "Set ContainerRepository to a name such as 'webping' or 'team/webping'.");
        }

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
                    $"a tag starts with a letter, digit or '_' and holds at most {ImageReference.MaxTagLength} ASCII letters, digits, '_', '.' and '-'",
                    "Change the tag, for example '1.2.3' or 'latest'.");
            }
        }

        var environment = new List<NameValue>();
        foreach (var variable in input.Environment)
        {
            if (!EnvNamePattern().IsMatch(variable.Name))
            {
                throw Invalid(DiagnosticCode.DIAM1003, "ContainerEnvironmentVariable", variable.Name,
                    "a name starts with a letter or '_' and holds only ASCII letters, digits and '_'",
                    "Rename the variable, for example 'MY_SETTING'.");
            }

            RequireWritable("ContainerEnvironmentVariable", variable);
            WarnIfSecret("ContainerEnvironmentVariable", "ENV", variable.Name, warnings);
            Upsert(environment, variable);
        }

        var stableLabels = new List<NameValue>();
        var volatileLabels = new List<NameValue>();
        foreach (var label in input.Labels)
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

        string workingDirectory = string.IsNullOrWhiteSpace(input.WorkingDirectory) ? "/app/" : input.WorkingDirectory;
        if (!WorkingDirectoryPattern().IsMatch(workingDirectory))
        {
            throw Invalid(DiagnosticCode.DIAM1007, "ContainerWorkingDirectory", workingDirectory,
                "it must be an absolute Linux path made of ASCII letters, digits and '.', '_', '@', '+', '-'",
                "Use a path such as '/app/'.");
        }

        string? user = string.IsNullOrWhiteSpace(input.User) ? null : input.User;
        if (user is not null && !UserPattern().IsMatch(user))
        {
            throw Invalid(DiagnosticCode.DIAM1008, "ContainerUser", user,
                "a user is a name or numeric id, optionally ':group', or a $VARIABLE such as $APP_UID",
                "Use a value such as 'app', '1654' or '1654:1654'.");
        }

        var (entrypoint, command) = ResolveCommand(input);
        foreach (string argument in (entrypoint ?? []).Concat(command ?? []))
        {
            RequireWritable("ContainerAppCommand", new NameValue("argument", argument));
        }

        var instructions = input.Instructions.Select(i => CustomInstructionParser.Parse(i.Name, i.Text, i.Placement)).ToArray();

        return new ContainerSpec
        {
            BaseImage = baseImage,
            BaseImageText = input.BaseImage,
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

    /// <summary>
    /// ENTRYPOINT and CMD from the SDK's vocabulary: the deprecated ContainerEntrypoint wins when set;
    /// otherwise ContainerAppCommandInstruction says where the app command goes.
    /// </summary>
    private static (IReadOnlyList<string>? Entrypoint, IReadOnlyList<string>? Command) ResolveCommand(ContainerSpecInput input)
    {
        if (input.Entrypoint.Count > 0)
        {
            return (input.Entrypoint, input.EntrypointArgs.Count > 0 ? input.EntrypointArgs : NullIfEmpty(input.DefaultArgs));
        }

        string instruction = string.IsNullOrWhiteSpace(input.AppCommandInstruction) ? "Entrypoint" : input.AppCommandInstruction.Trim();
        var appCommand = input.AppCommand.Concat(input.AppCommandArgs).ToArray();
        return instruction.ToLowerInvariant() switch
        {
            "entrypoint" => (NullIfEmpty(appCommand), NullIfEmpty(input.EntrypointArgs.Count > 0 ? input.EntrypointArgs : input.DefaultArgs)),
            "defaultargs" => (null, NullIfEmpty(appCommand.Concat(input.DefaultArgs).ToArray())),
            "none" => (null, NullIfEmpty(input.DefaultArgs)),
            _ => throw Invalid(DiagnosticCode.DIAM1010, "ContainerAppCommandInstruction", instruction,
                "it must be 'Entrypoint', 'DefaultArgs' or 'None'", "Remove the property to use the default, 'Entrypoint'."),
        };
    }

    // A later item with the same name wins, as a later `docker run -e` does; it keeps the first one's position
    // so the order stays stable.
    private static void Upsert(List<NameValue> values, NameValue value)
    {
        int existing = values.FindIndex(v => v.Name == value.Name);
        if (existing >= 0) values[existing] = value; else values.Add(value);
    }

    private static IReadOnlyList<string>? NullIfEmpty(IReadOnlyList<string> values) => values.Count == 0 ? null : values;

    /// <summary>
    /// The Dockerfile has no escape for a line break inside a value, and NUL cannot travel at all:
    /// refuse rather than build an image whose value differs from what the project says.
    /// </summary>
    private static void RequireWritable(string property, NameValue item)
    {
        if (item.Value.IndexOfAny(['\n', '\r', '\0']) >= 0)
        {
            throw new DiamolException(DiagnosticCode.DIAM1005,
                $"{property} '{item.Name}' has a value with a line break or NUL character ('{Escape(item.Value)}'). " +
                "A Dockerfile cannot carry it exactly, so nothing was built. Put the value on one line, or pass it at run time with `docker run -e`.");
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

    private static DiamolException Invalid(DiagnosticCode code, string property, string value, string rule, string fix) =>
        new(code, $"{property} has the value '{Escape(value)}', which is not valid: {rule}. {fix}");

    private static string Escape(string value) =>
        value.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\0", "\\0");
}
