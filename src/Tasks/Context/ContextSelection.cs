namespace Diamol.Build.Context;

/// <summary>
/// Part of a staged context, for a build that needs only some of it: a Dockerfile of its own (sent in place of the
/// folder's) and the layer folders ("layers/app") it copies.
/// </summary>
internal sealed record ContextSelection(string Dockerfile, IReadOnlyList<string> Folders);
