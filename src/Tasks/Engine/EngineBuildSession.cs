using Diamol.Build.Common;
using Diamol.Build.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Diamol.Build.Engine;

/// <summary>
/// One image build through the Engine API's /build (the classic builder): streams the context as a tar while the
/// engine reads it, follows the engine's messages (the steps and their cache hits, a pull of the base image, the id of
/// the image it made) into the log, and turns how the build ended into a <see cref="BuildResult"/> or the error a user
/// acts on (see <see cref="EngineFailures"/>).
/// </summary>
internal sealed class EngineBuildSession
{
    private readonly BuildRequest _request;
    private readonly IBuildLog _log;
    private readonly IdleTimeout _idle;
    private readonly BuildOutputParser _parser;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private TimeSpan? _contextSent;
    private PullProgress? _pulling;
    private string? _imageId;
    private string? _error;

    private EngineBuildSession(BuildRequest request, IBuildLog log, IdleTimeout idle)
    {
        _request = request;
        _log = log;
        _idle = idle;
        _parser = new BuildOutputParser(log);
    }

    /// <param name="logins">The base image's login for an engine that pulls it itself (DiamolPullPolicy=Always); null for none.</param>
    public static Task<BuildResult> RunAsync(DockerClient client, EngineEndpoint endpoint, BuildRequest request, AuthConfig[]? logins, IBuildLog log,
        IdleTimeout idle) =>
        new EngineBuildSession(request, log, idle).RunAsync(client, endpoint, logins);

    private async Task<BuildResult> RunAsync(DockerClient client, EngineEndpoint endpoint, AuthConfig[]? logins)
    {
        var parameters = new ImageBuildParameters
        {
            Tags = _request.References.ToList(),
            BuildArgs = _request.BuildArguments.ToDictionary(p => p.Key, p => p.Value),
            Dockerfile = Context.OutputFolder.DockerfileName,
            // Intermediate containers of RUN steps are removed even when a step fails.
            Remove = true,
            ForceRemove = true,
            // The legacy builder: the one every engine's /build endpoint speaks.
            Version = "1",
            // The Engine API wants cachefrom as one JSON array; Docker.DotNet writes each list item as a value of
            // its own, so the whole array goes in as a single item.
            CacheFrom = _request.CacheFrom.Count == 0 ? null : [System.Text.Json.JsonSerializer.Serialize(_request.CacheFrom)],
            Pull = _request.PullBase ? "1" : null,
        };

        // Stopping the request also stops the archive writer, whatever ended the request.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_idle.Token);
        using var tar = new ActivityStream(Context.ContextTar.Open(_request.ContextDirectory, stop.Token, out var tarWritten, _request.Part), _idle.Restart);
        try
        {
            await client.Images.BuildImageFromDockerfileAsync(parameters, tar, logins, null, new SynchronousProgress<JSONMessage>(OnMessage), stop.Token)
                .ConfigureAwait(false);
            await tarWritten.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not DiamolException)
        {
            // Whatever ended the request, stop the archive writer and find out whether it was the cause.
            await stop.CancelAsync().ConfigureAwait(false);
            var tarFailure = await FailureOf(tarWritten).ConfigureAwait(false);
            if (tarFailure is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw EngineFailures.ContextNotSent(_request.ContextDirectory, tarFailure, e);
            }

            if (e is DockerApiException api) throw EngineFailures.Refused(endpoint, "build the image", api);
            throw;
        }

        _parser.Flush();
        if (_error is not null) throw EngineFailures.StepFailed(_parser.Steps.Count > 0 ? _parser.Steps[^1] : null, _parser.LastStepOutput, _error);

        // Older engines report the image only in the final "Successfully built" line.
        string imageId = _imageId ?? (_parser.Steps.Count > 0 ? _parser.Steps[^1] : null)?.ImageId ?? throw EngineFailures.NoImageNamed();
        return new BuildResult(imageId, _request.References, _parser.Steps, _contextSent);
    }

    private void OnMessage(JSONMessage message)
    {
        _idle.Restart();
        if (message.Stream is { } text)
        {
            _parser.Append(text);
            if (_contextSent is null && _parser.Steps.Count > 0) _contextSent = _clock.Elapsed;
        }

        if (!string.IsNullOrEmpty(message.Status))
        {
            _log.Detail(message.Status);
            // The classic builder pulls a missing FROM image inside the build, with the pull endpoint's messages.
            _pulling ??= new PullProgress((_parser.Steps.Count > 0 ? _parser.Steps[^1] : null)?.Instruction.Replace("FROM ", "", StringComparison.OrdinalIgnoreCase) ?? "the base image", _log);
            _pulling.Report(message.ID, message.Status, message.Progress?.Current ?? 0, message.Progress?.Total ?? 0);
        }
        else if (_pulling is not null)
        {
            _pulling.Finish();
            _pulling = null;
        }

        if (message.Error is { Message: { } failure }) _error = failure;
        if (message.Aux is { } aux && aux.ExtensionData is { } data && data.TryGetValue("ID", out var id))
        {
            _imageId = id.ToString();
        }
    }

    private static async Task<Exception?> FailureOf(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
