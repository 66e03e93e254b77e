using Diamol.Build.Spec;

namespace Diamol.Build.Context;

/// <summary>
/// What the OCI writer needs beside the Dockerfile's text to give the config the engine gives: the values of the
/// labels that change with every build, which the engine receives as build arguments rather than in the text; and the
/// working directory, where the layers without a destination of their own land (as the Dockerfile's COPY puts them).
/// </summary>
/// <param name="WorkingDirectory">Null in a context an older Diamol.Build staged.</param>
internal sealed record ImageSettings(IReadOnlyList<NameValue> VolatileLabels, string? WorkingDirectory = null)
{
    public static ImageSettings From(ContainerSpec spec) => new(spec.VolatileLabels, spec.WorkingDirectory);
}
