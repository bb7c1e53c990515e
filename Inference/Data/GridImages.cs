using Gearbox.Contracts.Serving;

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

    /// <summary>
    /// Cuts the given tiles (grid index into <paramref name="grids"/>, tile 0..3) out into one new batch of
    /// 28x28 images in the grids' element type (UINT8 stays bytes, FP32 stays FP32), in the order given.
    /// </summary>
    public static ImageBatch CutTiles(ImageBatch grids, IReadOnlyList<(int Grid, int Tile)> tiles)
    {
        if (grids.ItemSize != Side * Side)
            throw new ArgumentException($"Grids are {Side}x{Side} ({Side * Side} pixels); these items hold {grids.ItemSize}.", nameof(grids));
        const int tileSide = FashionMnist.Side;
        var elementSize = grids.ElementSize;
        var rowBytes = tileSide * elementSize;
        var tileBytes = tileSide * rowBytes;
        var result = new byte[tiles.Count * tileBytes];
        for (var k = 0; k < tiles.Count; k++)
        {
            var grid = grids.Item(tiles[k].Grid);
            int top = tiles[k].Tile / 2 * tileSide, left = tiles[k].Tile % 2 * tileSide;
            for (var y = 0; y < tileSide; y++)
                grid.Slice(((top + y) * Side + left) * elementSize, rowBytes).CopyTo(result.AsSpan(k * tileBytes + y * rowBytes));
        }
        return new ImageBatch(grids.Element, tileSide * tileSide, result);
    }
}
