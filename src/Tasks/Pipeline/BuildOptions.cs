using Diamol.Build.Engine;

namespace Diamol.Build.Pipeline;

/// <summary>
/// How to run the build, beyond what the Dockerfile says: build arguments (DiamolBuildArg items), images whose
/// layers may serve as cache (DiamolCacheFrom), and when to pull (DiamolPullPolicy).
/// </summary>
internal sealed record BuildOptions(IReadOnlyDictionary<string, string> BuildArguments, IReadOnlyList<string> CacheFrom, PullPolicy Pull)
{
    /// <summary>DiamolIdleTimeout: how long an engine exchange may go without a byte; null for the engine's defaults.</summary>
    public TimeSpan? IdleLimit { get; init; }

    /// <summary>The build's credential lookup, which the engine's pulls and push take their logins from; null for one of this build's own.</summary>
    public Credentials.CredentialLookup? Credentials { get; init; }

    /// <summary>DiamolIdleTimeout in seconds; empty for the defaults.</summary>
    public static TimeSpan? ParseIdleTimeout(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null
        : double.TryParse(value.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture,
            out double seconds)
            && seconds > 0 && seconds <= 86400
            ? TimeSpan.FromSeconds(seconds)
            : throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM1018,
                $"DiamolIdleTimeout has the value '{value}', which is not valid: give the seconds an engine or registry exchange " +
                "may go without any data (more than 0, at most 86400), or leave it empty for the defaults " +
                "(600 for a build, 120 for other engine exchanges, 100 for a registry).");

    /// <summary>Validates the raw settings: argument names as ARG accepts them, a known pull policy.</summary>
    public static BuildOptions Create(IEnumerable<Spec.NameValue> buildArguments, IEnumerable<string> cacheFrom, string? pullPolicy,
        ICollection<Diagnostics.Diagnostic> warnings)
    {
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var argument in buildArguments)
        {
            if (!Spec.ContainerSpecFactory.IsVariableName(argument.Name))
            {
                throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM1003,
                    $"DiamolBuildArg has the name '{argument.Name}', which is not valid: " +
                    Spec.ContainerSpecFactory.VariableNameRule + ". Rename it.");
            }

            if (argument.Name.StartsWith("LABEL_", StringComparison.Ordinal))
            {
                throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM1003,
                    $"DiamolBuildArg has the name '{argument.Name}'; " +
                    "names starting with LABEL_ are Diamol.Build's own (they carry the per-build labels). Rename it.");
            }

            if (Spec.SecretNames.LooksSecret(argument.Name))
            {
                warnings.Add(new Diagnostics.Diagnostic(Diagnostics.DiagnosticCode.DIAM1009,
                    $"DiamolBuildArg '{argument.Name}' looks like a secret. " +
                    "A RUN step that uses it records it in the image's history, readable by anyone " +
                    "who can pull the image (the history artifact redacts it, the image does not). Use a secret at run time instead."));
            }

            arguments[argument.Name] = argument.Value;
        }

        return new BuildOptions(arguments, cacheFrom.Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToArray(),
            ParsePullPolicy(pullPolicy));
    }

    public static PullPolicy ParsePullPolicy(string? value) =>
        string.IsNullOrWhiteSpace(value) ? PullPolicy.Missing
        : Enum.TryParse(value.Trim(), ignoreCase: true, out PullPolicy policy) && Enum.IsDefined(policy) ? policy
        : throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM1013,
            $"DiamolPullPolicy has the value '{value}', which is not valid: use Missing (the default), Always or Never.");
}
