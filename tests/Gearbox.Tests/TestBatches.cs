using Gearbox.Contracts.Serving;
using Gearbox.Data;

namespace Gearbox.Tests;

/// <summary>Image batches for tests: images of a set as one UINT8 batch (as the gateway builds them), and a batch back as floats.</summary>
public static class TestBatches
{
    /// <summary>The given images of <paramref name="set"/> (repeats allowed), copied into one UINT8 batch in that order.</summary>
    public static ImageBatch Of(ImageSet set, params int[] indices)
    {
        var pixels = new byte[indices.Length * set.ImageSize];
        for (var i = 0; i < indices.Length; i++) set.Image(indices[i]).CopyTo(pixels.AsSpan(i * set.ImageSize));
        return ImageBatch.Uint8(pixels, set.ImageSize);
    }

    /// <summary>Grids <paramref name="start"/>.. of <paramref name="grids"/> as one UINT8 batch.</summary>
    public static ImageBatch Of(GridImages grids, int start, int count)
    {
        const int size = GridImages.Side * GridImages.Side;
        return ImageBatch.Uint8(grids.Pixels.AsSpan(start * size, count * size).ToArray(), size);
    }

    /// <summary>Every item as floats in [0, 1] (UINT8 divided by 255, as the engine does).</summary>
    public static float[][] Floats(this ImageBatch batch) => Enumerable.Range(0, batch.Count).Select(batch.ItemAsFloats).ToArray();
}
