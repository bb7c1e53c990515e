namespace Gearbox.Data;

/// <summary>A set of same-sized grey images (row-major bytes 0-255) with one label each.</summary>
public sealed class ImageSet
{
    public ImageSet(byte[] pixels, int[] labels, int height, int width)
    {
        if (pixels.Length != labels.Length * height * width)
            throw new ArgumentException($"{pixels.Length} pixels do not make {labels.Length} images of {height}x{width}.");
        Pixels = pixels;
        Labels = labels;
        Height = height;
        Width = width;
    }

    public byte[] Pixels { get; }
    public int[] Labels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Count => Labels.Length;
    public int ImageSize => Height * Width;

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageSize, ImageSize);

    /// <summary>Images at the given indices as floats in [0, 1], the engine's input scale.</summary>
    public float[] ToFloats(ReadOnlySpan<int> indices)
    {
        var result = new float[indices.Length * ImageSize];
        for (var i = 0; i < indices.Length; i++)
        {
            var source = Image(indices[i]);
            var offset = i * ImageSize;
            for (var p = 0; p < source.Length; p++) result[offset + p] = source[p] / 255f;
        }
        return result;
    }

    public float[] ToFloats(int start, int count) => ToFloats(Enumerable.Range(start, count).ToArray());

    public ImageSet Take(int count)
    {
        count = Math.Min(count, Count);
        return new ImageSet(Pixels[..(count * ImageSize)], Labels[..count], Height, Width);
    }
}
