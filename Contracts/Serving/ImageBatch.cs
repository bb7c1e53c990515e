using System.Buffers.Binary;

namespace Gearbox.Contracts.Serving;

/// <summary>How an <see cref="ImageBatch"/>'s pixels are stored.</summary>
public enum ImageElement : byte
{
    /// <summary>One byte per pixel, 0..255 (the engine divides by 255).</summary>
    Uint8 = 0,
    /// <summary>Four bytes per pixel: an IEEE single in [0, 1], little-endian, exactly as the client sent it.</summary>
    Fp32 = 1,
}

/// <summary>
/// A request's images in one contiguous, immutable buffer, carried as is from the gateway to the
/// worker that copies them once into the batch tensor. UINT8 stays one byte per pixel; FP32 stays the
/// client's floats (their raw little-endian bytes), never quantised. A batch can be a view: the same
/// buffer and the indices of some of its items (<see cref="Select"/>, the items a cascade forwards), so
/// passing a subset on copies nothing. Nobody writes the buffer after construction: whoever builds a
/// batch hands its array over.
/// <para>
/// Grain calls: the type is [Immutable], so a call to an activation on the same silo passes this very
/// object (no deep copy). A call to another silo serializes it through <see cref="ImageBatchSurrogate"/>:
/// a view is compacted then (only its own items travel, one copy), and the receiver gets a fresh buffer.
/// </para>
/// </summary>
[Immutable, Alias("gearbox.image-batch")]
public sealed class ImageBatch
{
    private readonly byte[] _buffer;
    private readonly int[]? _items; // a view's items (indices into _buffer's items), in order; null for all of them

    /// <summary>Takes <paramref name="buffer"/> over (it must not be written afterwards): whole items of <paramref name="itemSize"/> pixels, back to back.</summary>
    public ImageBatch(ImageElement element, int itemSize, byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (element is not (ImageElement.Uint8 or ImageElement.Fp32))
            throw new ArgumentOutOfRangeException(nameof(element), element, "An image batch holds UINT8 or FP32 pixels.");
        ArgumentOutOfRangeException.ThrowIfLessThan(itemSize, 1);
        var itemBytes = (long)itemSize * SizeOf(element);
        if (buffer.Length % itemBytes != 0)
            throw new ArgumentException($"{buffer.Length} bytes are not whole items of {itemSize} {element} pixels ({itemBytes} bytes each).", nameof(buffer));
        Element = element;
        ItemSize = itemSize;
        _buffer = buffer;
        Count = (int)(buffer.Length / itemBytes);
    }

    private ImageBatch(ImageBatch source, int[] items)
    {
        Element = source.Element;
        ItemSize = source.ItemSize;
        _buffer = source._buffer;
        _items = items;
        Count = items.Length;
    }

    /// <summary>UINT8 images, one byte per pixel; the array is taken over.</summary>
    public static ImageBatch Uint8(byte[] pixels, int itemSize) => new(ImageElement.Uint8, itemSize, pixels);

    /// <summary>FP32 images, copied into little-endian bytes (for tests and callers that hold floats).</summary>
    public static ImageBatch Fp32(ReadOnlySpan<float> values, int itemSize)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        return new ImageBatch(ImageElement.Fp32, itemSize, bytes);
    }

    public ImageElement Element { get; }

    /// <summary>Pixels per item (side * side).</summary>
    public int ItemSize { get; }

    public int Count { get; }

    /// <summary>Bytes per pixel: 1 for UINT8, 4 for FP32.</summary>
    public int ElementSize => SizeOf(Element);

    public int ItemBytes => ItemSize * ElementSize;

    /// <summary>Whether this batch shows some items of a larger buffer (<see cref="Select"/>).</summary>
    public bool IsView => _items is not null;

    public static int SizeOf(ImageElement element) => element == ImageElement.Fp32 ? sizeof(float) : sizeof(byte);

    /// <summary>Item <paramref name="index"/>'s bytes (ItemBytes of them), without copying.</summary>
    public ReadOnlySpan<byte> Item(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The batch holds {Count} item(s).");
        var source = _items is null ? index : _items[index];
        return _buffer.AsSpan(source * ItemBytes, ItemBytes);
    }

    /// <summary>A view of the given items (indices into this batch, in the order given): same buffer, nothing copied.</summary>
    public ImageBatch Select(IReadOnlyList<int> indices)
    {
        var items = new int[indices.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var index = indices[i];
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), index, $"The batch holds {Count} item(s).");
            items[i] = _items is null ? index : _items[index];
        }
        return new ImageBatch(this, items);
    }

    /// <summary>
    /// The items back to back: the buffer itself when this batch is not a view, else a new array holding
    /// only its items (one copy). What goes over the wire.
    /// </summary>
    public byte[] ContiguousBytes()
    {
        if (_items is null) return _buffer;
        var bytes = new byte[Count * ItemBytes];
        for (var i = 0; i < Count; i++) Item(i).CopyTo(bytes.AsSpan(i * ItemBytes));
        return bytes;
    }

    /// <summary>Item <paramref name="index"/> as floats in [0, 1] (UINT8 divided by 255): for tests and diagnostics, not the serving path.</summary>
    public float[] ItemAsFloats(int index)
    {
        var bytes = Item(index);
        var result = new float[ItemSize];
        if (Element == ImageElement.Uint8)
            for (var p = 0; p < result.Length; p++) result[p] = bytes[p] / 255f;
        else
            for (var p = 0; p < result.Length; p++) result[p] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(p * sizeof(float)));
        return result;
    }
}

/// <summary>An <see cref="ImageBatch"/> on the wire: its items back to back (a view is compacted).</summary>
[GenerateSerializer, Alias("gearbox.image-batch-wire")]
public struct ImageBatchSurrogate
{
    [Id(0)] public ImageElement Element;
    [Id(1)] public int ItemSize;
    [Id(2)] public byte[] Bytes;
}

/// <summary>Serializes <see cref="ImageBatch"/> through <see cref="ImageBatchSurrogate"/>; a batch read off the wire is validated like any other.</summary>
[RegisterConverter]
public sealed class ImageBatchSurrogateConverter : IConverter<ImageBatch, ImageBatchSurrogate>
{
    public ImageBatch ConvertFromSurrogate(in ImageBatchSurrogate surrogate) => new(surrogate.Element, surrogate.ItemSize, surrogate.Bytes);

    public ImageBatchSurrogate ConvertToSurrogate(in ImageBatch value) =>
        new() { Element = value.Element, ItemSize = value.ItemSize, Bytes = value.ContiguousBytes() };
}

/// <summary>One item of an <see cref="ImageBatch"/>, by reference: what a worker's batch is made of (items from several calls).</summary>
public readonly record struct ImageItem(ImageBatch Batch, int Index)
{
    public ReadOnlySpan<byte> Bytes => Batch.Item(Index);
}
