using Diamol.Build.Common;
using Diamol.Build.Diagnostics;
using Docker.DotNet;

namespace Diamol.Build.Engine;

/// <summary>
/// The engine client's failures as the errors a user acts on: each names the engine, the step and the cause, and says
/// what to do. Docker.DotNet's exceptions and the engine's own error texts end here; nothing above the client sees them.
/// </summary>
internal static class EngineFailures
{
    /// <summary>An engine refusal as text: its HTTP status and its answer ("404 {\"message\":...}").</summary>
    public static string Reason(DockerApiException e) => $"{(int)e.StatusCode} {e.ResponseBody?.Trim()}";

    /// <summary>DIAM3003: the engine answered a request with an error of its own.</summary>
    public static DiamolException Refused(EngineEndpoint engine, string action, DockerApiException e) =>
        new(DiagnosticCode.DIAM3003,
            $"The engine at {engine.Uri} refused to {action}: {(int)e.StatusCode} {e.StatusCode}: {e.ResponseBody?.Trim()} " +
            "Check the engine's log; if the message names a missing image, check ContainerBaseImage.", e);

    // What a build cut short (a stall, a broken connection) leaves: said the same way in both messages.
    private const string NoImageRecorded = "Diamol.Build did not see the build finish and recorded no image; ";

    /// <summary>DIAM3014: the engine went silent for longer than the idle limit while <paramref name="step"/>.</summary>
    public static DiamolException Stalled(EngineEndpoint engine, TimeSpan limit, string step, bool build, Exception e) =>
        new(DiagnosticCode.DIAM3014,
            $"The engine at {engine.Uri} sent nothing for {limit.TotalSeconds:0.#} seconds while {step}, so Diamol.Build stopped waiting. " +
            (build
                ? "A RUN step that prints nothing for longer than that needs a larger DiamolIdleTimeout (seconds); " +
                  "otherwise check the engine (`docker info`, its log). " +
                  NoImageRecorded +
                  "the connection is closed, which makes the engine cancel the build, " +
                  "but one that was about to finish may still have tagged the image."
                : "Check the engine (`docker info`, its log) and its free disk space, or set a larger DiamolIdleTimeout (seconds)."), e);

    /// <summary>DIAM3015 when <paramref name="e"/> is a broken connection (see <see cref="BrokenConnection"/>); null for anything else.</summary>
    public static DiamolException? Broken(EngineEndpoint engine, string step, bool build, Exception e) =>
        BrokenConnection(e) is not { } reason ? null : new DiamolException(DiagnosticCode.DIAM3015,
            $"The connection to the engine at {engine.Uri} broke while {step}: {reason}. The engine stopped, restarted or was killed, " +
            "or something between cut the connection. Check that the engine runs (`docker info`) and publish again; " +
            (build
                ? NoImageRecorded +
                  "an engine that is still running cancels the build when its connection closes."
                : "this step did not finish."), e);

    // A cut chunked stream surfaces as an IOException (HttpIOException) or an HttpRequestException wrapping one; the
    // innermost message says what the socket saw ("Connection reset by peer"), the wrappers only that something failed.
    private static string? BrokenConnection(Exception e) =>
        e is IOException or System.Net.Http.HttpRequestException ? e.GetBaseException().Message.TrimEnd('.') : null;

    /// <summary>DIAM2013: the context archive could not be written while the engine read it.</summary>
    public static DiamolException ContextNotSent(string contextDirectory, Exception tarFailure, Exception e) =>
        new(DiagnosticCode.DIAM2013,
            $"The build context in '{contextDirectory}' could not be sent: {tarFailure.Message} " +
            "A file changed or vanished while it was read; publish again. The build did not finish, so no tag was changed.", e);

    /// <summary>DIAM3002: a step of the build failed; <paramref name="lastOutput"/> is what it printed last.</summary>
    public static DiamolException StepFailed(BuildStep? failed, IReadOnlyList<string> lastOutput, string error)
    {
        string where = failed is null ? "before the first step" : $"at step {failed.Number} ({failed.Instruction})";
        string output = lastOutput.Count == 0 ? "" : $" The step printed (last lines):\n  {string.Join("\n  ", lastOutput)}\n";
        return new DiamolException(DiagnosticCode.DIAM3002,
            $"The image build failed {where}: {error.Trim()}.{output} " +
            "Fix the instruction or the files it uses; the generated Dockerfile is in the build context folder. No tag was changed.");
    }

    /// <summary>DIAM3019: the build ended without the engine naming the image.</summary>
    public static DiamolException NoImageNamed() =>
        new(DiagnosticCode.DIAM3019,
            "The engine finished the build without naming the image it built. Run the publish again with -v:detailed to see the engine's output.");

    /// <summary>
    /// DIAM3005, DIAM3010 or DIAM3011 for a push the engine reported as failed: the engine passes the registry's answer
    /// on as text, and what the user must do depends on which kind it is (see <see cref="EnginePushFailure"/>).
    /// </summary>
    public static DiamolException PushFailed(EngineEndpoint engine, string repository, string tag, string reason, bool hadLogin)
    {
        // The registry the user knows the repository by: Docker Hub for a name without a host (`team/app`), not `team`.
        string registry = Spec.ImageReference.TryParse(repository, out _)?.RegistryOrDockerHub ?? repository.Split('/')[0];
        return EnginePushFailure.Classify(reason) switch
        {
            EnginePushFailureKind.Authentication => new DiamolException(DiagnosticCode.DIAM3005,
                $"The registry {registry} refused the push of {repository}:{tag}: {reason}. " +
                (hadLogin
                    ? $"Check the credentials stored for {registry} (`docker login {registry}`) and your permission to push to {repository}."
                    : $"No credentials for {registry} were found in the docker configuration: " +
                        $"run `docker login {registry}` (or set DOCKER_CONFIG).")),
            EnginePushFailureKind.Network => new DiamolException(DiagnosticCode.DIAM3010,
                $"The engine at {engine.Uri} could not reach the registry {registry} to push {repository}:{tag}: {reason}. " +
                "Check that the registry is running and reachable from the engine's machine (address, network, proxy, TLS certificate), then retry."),
            _ => new DiamolException(DiagnosticCode.DIAM3011,
                $"The registry {registry} failed the push of {repository}:{tag}: {reason}. " +
                "That is a fault on the registry's side (or a proxy before it): retry later, " +
                "and check the registry's status or logs if it persists."),
        };
    }

    /// <summary>DIAM3007: the engine refused an image archive.</summary>
    public static DiamolException LoadRefused(EngineEndpoint engine, string failure) =>
        new(DiagnosticCode.DIAM3007,
            $"The engine at {engine.Uri} refused to load the image: {failure}. Check the engine's log and its free disk space, " +
            "or publish to a registry (ContainerRegistry) or an archive (ContainerArchiveOutputPath) instead.");
}
