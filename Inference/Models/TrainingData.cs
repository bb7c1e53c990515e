using Gearbox.Data;

namespace Gearbox.Models;

/// <summary>Inputs and targets for one model kind: class labels for classifiers, tile masks for the detector.</summary>
public sealed class TrainingData
{
    private readonly Func<int[], float[]> _inputs;
    private readonly Func<int[], float[]> _targets;

    private TrainingData(int count, Func<int[], float[]> inputs, Func<int[], float[]> targets, Func<int, int[]> truth)
    {
        Count = count;
        _inputs = inputs;
        _targets = targets;
        Truth = truth;
    }

    public int Count { get; }

    /// <summary>Per item: the class (one element), or per tile 1/0 for occupied/empty.</summary>
    public Func<int, int[]> Truth { get; }

    public float[] Inputs(int[] indices) => _inputs(indices);
    public float[] Targets(int[] indices) => _targets(indices);

    public static TrainingData Classes(ImageSet set) => new(
        set.Count,
        indices => set.ToFloats(indices),
        indices => indices.Select(i => (float)set.Labels[i]).ToArray(),
        i => [set.Labels[i]]);

    public static TrainingData Tiles(GridImages grids) => new(
        grids.Count,
        indices => indices.SelectMany(i => grids.ToFloats(i, 1)).ToArray(),
        indices => indices.SelectMany(i => grids.TileLabels[i].Select(l => l >= 0 ? 1f : 0f)).ToArray(),
        i => grids.TileLabels[i].Select(l => l >= 0 ? 1 : 0).ToArray());

    /// <summary>The data a spec trains and tests on, drawn from a split.</summary>
    public static TrainingData For(ModelSpec spec, ImageSet split, int gridCount, int seed) =>
        spec.Kind == ModelKind.Classifier ? Classes(split) : Tiles(GridImages.Generate(split, gridCount, seed));
}
