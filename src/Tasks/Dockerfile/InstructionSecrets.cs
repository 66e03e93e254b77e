using System.Text.Json.Nodes;
using Diamol.Build.DockerfileSyntax;
using Diamol.Build.Spec;

namespace Diamol.Build.Dockerfile;

/// <summary>
/// The secrets our own Dockerfile text holds: the values its ENV and LABEL instructions give to secret-looking names,
/// read by the same interpreter that applies them to the OCI writer's config. Every stage that writes or logs an
/// instruction's text redacts with this, so no stage depends on an image's environment that a saved record has
/// already redacted (the history read its known values from the record, found only masks, and let the generated
/// <c>"DB_PASSWORD"="..."</c> through).
/// </summary>
internal static class InstructionSecrets
{
    /// <param name="more">Further ENV entries (NAME=value) and labels known to the caller, such as an image's.</param>
    public static SecretRedactor RedactorFor(IEnumerable<DockerfileInstruction> instructions,
        IEnumerable<string>? moreEnvironment = null, IEnumerable<KeyValuePair<string, string>>? moreLabels = null,
        IReadOnlyDictionary<string, string>? buildArguments = null)
    {
        var config = new JsonObject();
        var interpreter = new ConfigInstructionInterpreter(config);
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword is not ("ENV" or "LABEL")) continue;
            try
            {
                interpreter.Apply(instruction.Keyword, instruction.Text[instruction.Keyword.Length..]);
            }
            catch (FormatException)
            {
                // An instruction the interpreter refuses fails its build elsewhere with DIAM1011; its text is still
                // redacted by name below.
            }
        }

        var environment = (config["Env"] as JsonArray)?.Select(e => e!.GetValue<string>()) ?? [];
        var labels = (config["Labels"] as JsonObject)?.Select(l => KeyValuePair.Create(l.Key, l.Value?.GetValue<string>() ?? "")) ?? [];
        return SecretRedactor.ForEnvironment(environment.Concat(moreEnvironment ?? []), labels.Concat(moreLabels ?? []), buildArguments);
    }
}
