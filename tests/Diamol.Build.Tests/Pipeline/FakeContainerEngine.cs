using Diamol.Build.Common;
using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Oci;
using Diamol.Build.Spec;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>
/// An engine in memory, for the pipeline's decisions: it keeps images by name and id, builds by tagging a new id,
/// and fails on demand with the engine client's own codes. Every call is recorded, so a test can say what the
/// pipeline asked of the engine (and what it did not).
/// </summary>
internal sealed class FakeContainerEngine : IContainerEngine, IEngineSource
{
    private readonly Dictionary<string, EngineImageDetails> _images = new(StringComparer.Ordinal);
    private int _built;

    public List<string> Calls { get; } = [];
    public List<BuildRequest> Builds { get; } = [];
    public int Connects { get; private set; }

    /// <summary>Thrown by ConnectAsync (DIAM3001, say).</summary>
    public Exception? ConnectFailure { get; set; }

    /// <summary>Thrown by BuildAsync instead of building.</summary>
    public Exception? BuildFailure { get; set; }

    /// <summary>The built image is gone before the pipeline inspects it (removed while the build ran).</summary>
    public bool LoseBuiltImage { get; set; }

    /// <summary>A pull's outcome by reference: null pulls an image, a text is the engine's reason for failing.</summary>
    public Func<string, string?> Pull { get; set; } = _ => "not found";

    /// <summary>A push's outcome by "repository:tag": null stores it, an exception fails it.</summary>
    public Func<string, Exception?> Push { get; set; } = _ => null;

    public EngineEndpoint Endpoint { get; } = new(new Uri("unix:///fake/docker.sock"), "a test");
    public string Description { get; set; } = "Fake Engine 1.0, API 1.51";
    public string Version => "1.0";
    public ImagePlatform Platform { get; set; } = new("linux", "amd64");
    public TimeSpan? IdleLimit { get; set; }

    public Task<IContainerEngine> ConnectAsync(CancellationToken cancellationToken)
    {
        Connects++;
        return ConnectFailure is { } failure ? Task.FromException<IContainerEngine>(failure) : Task.FromResult<IContainerEngine>(this);
    }

    /// <summary>Gives the engine an image under these names (a base image, a cache source, a tag someone else moved).</summary>
    public EngineImageDetails Add(string id, params string[] names) =>
        Add(new EngineImageDetails(id, DateTimeOffset.UnixEpoch, 1000, "linux", "amd64", ["PATH=/usr/bin"], null, null, ["sha256:base-layer"], []), names);

    /// <summary>Removes an image and every name of it, as `docker image rm` and a prune do.</summary>
    public void Remove(string id)
    {
        foreach (string name in _images.Where(i => i.Value.Id == id).Select(i => i.Key).ToArray()) _images.Remove(name);
    }

    public EngineImageDetails Add(EngineImageDetails image, params string[] names)
    {
        _images[image.Id] = image;
        foreach (string name in names) _images[name] = image;
        return image;
    }

    /// <summary>
    /// Builds the Dockerfile it is sent (the folder's, or a delta build's own) step by step: every step makes an image
    /// the engine keeps, as the classic builder does, and the last one is the built image.
    /// </summary>
    public Task<BuildResult> BuildAsync(BuildRequest request, IBuildLog log, CancellationToken cancellationToken)
    {
        Calls.Add("build");
        Builds.Add(request);
        if (BuildFailure is { } failure) throw failure;
        int build = ++_built;
        string dockerfile = request.Part?.Dockerfile ?? File.ReadAllText(Path.Combine(request.ContextDirectory, "Dockerfile"));
        var steps = Instructions(dockerfile).Select((text, i) =>
        {
            string id = "sha256:" + $"{build:x8}{i + 1:x4}".PadRight(64, '0');
            bool last = i == Instructions(dockerfile).Count - 1;
            if (!(last && LoseBuiltImage)) Add(id, last ? [.. request.References] : []);
            return new BuildStep(i + 1, text, Cached: i == 0, ImageId: id[7..19]);
        }).ToArray();
        return Task.FromResult(new BuildResult("sha256:" + steps[^1].ImageId, request.References, steps));
    }

    // The instructions of a Dockerfile, continuation lines joined, comments and blank lines left out.
    private static List<string> Instructions(string dockerfile)
    {
        var instructions = new List<string>();
        string? open = null;
        foreach (string line in dockerfile.Split('\n'))
        {
            if (open is null && (line.Length == 0 || line.StartsWith('#'))) continue;
            open = open is null ? line : open + "\n" + line;
            if (line.EndsWith('\\')) continue;
            instructions.Add(open);
            open = null;
        }

        return instructions;
    }

    public Task<EngineImageDetails?> InspectImageAsync(string name, CancellationToken cancellationToken)
    {
        Calls.Add("inspect " + name);
        // The engine finds an image by a prefix of its id, as the pipeline's short ids need.
        var found = _images.TryGetValue(name, out var image) ? image
            : name.StartsWith("sha256:", StringComparison.Ordinal) ? _images.Values.FirstOrDefault(i => i.Id.StartsWith(name, StringComparison.Ordinal))
            : _images.Values.FirstOrDefault(i => i.Id.StartsWith("sha256:" + name, StringComparison.Ordinal));
        return Task.FromResult(found);
    }

    public Task<IReadOnlyList<EngineHistoryRow>> GetHistoryAsync(string name, CancellationToken cancellationToken)
    {
        Calls.Add("history " + name);
        return Task.FromResult<IReadOnlyList<EngineHistoryRow>>([new EngineHistoryRow(name, "COPY layers/app/ /app/", DateTimeOffset.UnixEpoch, 10)]);
    }

    /// <summary>The login each pull and push was given ("pull name", "push repository:tag").</summary>
    public List<(string Call, RegistryLogin? Login)> Logins { get; } = [];

    public Task<string?> PullAsync(ImageReference reference, RegistryLogin? login, IBuildLog log, CancellationToken cancellationToken)
    {
        Calls.Add("pull " + reference);
        Logins.Add(("pull " + reference, login));
        string? failure = Pull(reference.ToString());
        if (failure is null) Add("sha256:pulled-" + reference.Repository, reference.ToString());
        return Task.FromResult(failure);
    }

    public Task<string> PushAsync(string repository, string tag, RegistryLogin? login, IBuildLog log, CancellationToken cancellationToken)
    {
        Calls.Add($"push {repository}:{tag}");
        Logins.Add(($"push {repository}:{tag}", login));
        cancellationToken.ThrowIfCancellationRequested();
        return Push($"{repository}:{tag}") is { } failure ? Task.FromException<string>(failure) : Task.FromResult("sha256:" + new string('d', 64));
    }

    public Task LoadAsync(Stream archive, IBuildLog log, CancellationToken cancellationToken)
    {
        Calls.Add("load");
        return Task.CompletedTask;
    }

    public static DiamolException Failure(DiagnosticCode code) => new(code, $"{code} from the fake engine.");
}
