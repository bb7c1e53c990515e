namespace Gearbox.Models;

/// <summary>The models Gearbox ships: the three-model fashion cascade and the grid tile detector.</summary>
public static class ModelZoo
{
    public static readonly ModelSpec Mlp = new("mlp", ModelKind.Classifier, 28, 10, 3);
    public static readonly ModelSpec SmallCnn = new("cnn-small", ModelKind.Classifier, 28, 10, 4);
    public static readonly ModelSpec LargeCnn = new("cnn-large", ModelKind.Classifier, 28, 10, 4);
    public static readonly ModelSpec GridTiles = new("grid-tiles", ModelKind.TileDetector, 56, 4, 3);

    public static IReadOnlyList<ModelSpec> All { get; } = [Mlp, SmallCnn, LargeCnn, GridTiles];

    /// <summary>The fashion cascade, cheapest first.</summary>
    public static IReadOnlyList<ModelSpec> Cascade { get; } = [Mlp, SmallCnn, LargeCnn];

    public static ModelSpec Get(string name) =>
        All.FirstOrDefault(m => m.Name == name)
        ?? throw new KeyNotFoundException($"Unknown model '{name}'. Known: {string.Join(", ", All.Select(m => m.Name))}.");

    public static bool TryGet(string name, out ModelSpec spec)
    {
        spec = All.FirstOrDefault(m => m.Name == name)!;
        return spec is not null;
    }
}
