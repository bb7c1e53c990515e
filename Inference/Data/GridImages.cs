namespace Gearbox.Data;

/// <summary>
/// The fashion-grid input: a 56x56 image made of a 2x2 grid of Fashion-MNIST tiles, each tile empty
/// (faint noise) with probability <see cref="EmptyProbability"/>. Generated deterministically from a split.
/// Labels are per tile: the class, or -1 for an empty tile.
/// </summary>
public sealed class GridImages
{
    public const int Side = 56;
    public const int Tiles = 4;
    public const double EmptyProbability = 0.35;
    private const int NoiseCeiling = 24;

    private GridImages(byte[] pixels, int[][] tileLabels)
    {
        Pixels = pixels;
        TileLabels = tileLabels;
    }

    public byte[] Pixels { get; }
    public int[][] TileLabels { get; }
    public int Count => TileLabels.Length;

    public static GridImages Generate(ImageSet source, int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * Side * Side];
        var labels = new int[count][];
        for (var g = 0; g < count; g++)
        {
            labels[g] = new int[Tiles];
            var image = pixels.AsSpan(g * Side * Side, Side * Side);
            for (var t = 0; t < Tiles; t++)
            {
                int top = t / 2 * FashionMnist.Side, left = t % 2 * FashionMnist.Side;
                if (random.NextDouble() < EmptyProbability)
                {
                    labels[g][t] = -1;
                    for (var y = 0; y < FashionMnist.Side; y++)
                    for (var x = 0; x < FashionMnist.Side; x++)
                        image[(top + y) * Side + left + x] = (byte)random.Next(NoiseCeiling);
                    continue;
                }
                var pick = random.Next(source.Count);
                labels[g][t] = source.Labels[pick];
                var tile = source.Image(pick);
                for (var y = 0; y < FashionMnist.Side; y++)
                    tile.Slice(y * FashionMnist.Side, FashionMnist.Side).CopyTo(image.Slice((top + y) * Side + left));
            }
        }
        return new GridImages(pixels, labels);
    }

    public float[] ToFloats(int start, int count)
    {
        var result = new float[count * Side * Side];
        for (var i = 0; i < result.Length; i++) result[i] = Pixels[start * Side * Side + i] / 255f;
        return result;
    }

    /// <summary>Cuts tile t of grid g out as a 28x28 float image in [0, 1].</summary>
    public static float[] CutTile(ReadOnlySpan<float> grid, int tile)
    {
        var result = new float[FashionMnist.Side * FashionMnist.Side];
        int top = tile / 2 * FashionMnist.Side, left = tile % 2 * FashionMnist.Side;
        for (var y = 0; y < FashionMnist.Side; y++)
            grid.Slice((top + y) * Side + left, FashionMnist.Side).CopyTo(result.AsSpan(y * FashionMnist.Side));
        return result;
    }
}
