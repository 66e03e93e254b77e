namespace Diamol.Build.Registry;

/// <summary>
/// One request to a registry, described so that it can be built again: the authentication handshake sends it a
/// second time, and a request body (a stream) can be sent only once.
/// </summary>
/// <param name="Description">What the request does, for messages ("GET manifest 10.0").</param>
/// <param name="Scopes">The token scopes it needs ("repository:name:pull").</param>
internal sealed record RegistryRequest(HttpMethod Method, Uri Uri, string Repository, string Description, IReadOnlyList<string> Scopes)
{
    public IReadOnlyList<string>? Accept { get; init; }

    /// <summary>An If-Match condition (an ETag the registry gave): the request is to apply only to that version.</summary>
    public string? IfMatch { get; init; }

    /// <summary>Builds the body for one attempt; the action restarts the idle time-out as the body is read.</summary>
    public Func<Action, HttpContent>? Content { get; init; }

    /// <summary>Return once the headers are in, leaving the body to be streamed.</summary>
    public bool StreamResponse { get; init; }

    public static IReadOnlyList<string> Pull(string repository) => [$"repository:{repository}:pull"];

    public static IReadOnlyList<string> Push(string repository) => [$"repository:{repository}:pull,push"];
}
