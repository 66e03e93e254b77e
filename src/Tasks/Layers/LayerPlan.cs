namespace Diamol.Build.Layers;

/// <summary>The file layers of an image in the order they are written; empty layers are left out.</summary>
internal sealed record LayerPlan(IReadOnlyList<Layer> Layers)
{
    public IEnumerable<LayerFile> AllFiles => Layers.SelectMany(l => l.Files);
}
