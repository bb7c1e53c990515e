using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Gearbox.Contracts.Serving;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Gearbox.Tests.Serving;

/// <summary>Unit tests of the request's image buffer (pure), and of what Orleans' serializer and copier do with it.</summary>
public class ImageBatchTests
{
    private static ImageBatch Bytes(int items, int size) =>
        ImageBatch.Uint8(Enumerable.Range(0, items * size).Select(i => (byte)(i / size * 10 + i % size)).ToArray(), size);

    [Fact]
    public void Items_are_slices_of_the_one_buffer()
    {
        var pixels = new byte[] { 1, 2, 3, 4, 5, 6 };
        var batch = ImageBatch.Uint8(pixels, 3);

        Assert.Equal((ImageElement.Uint8, 2, 3, 1, 3), (batch.Element, batch.Count, batch.ItemSize, batch.ElementSize, batch.ItemBytes));
        Assert.Equal(new byte[] { 4, 5, 6 }, batch.Item(1).ToArray());
        Assert.True(Unsafe.AreSame(ref MemoryMarshal.GetReference(batch.Item(1)), ref pixels[3]), "an item is not a copy");
        Assert.Same(pixels, batch.ContiguousBytes());
        Assert.False(batch.IsView);
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.Item(2).Length);
    }

    [Fact]
    public void Sizes_that_are_not_whole_items_are_refused_with_a_reason()
    {
        var error = Assert.Throws<ArgumentException>(() => ImageBatch.Uint8(new byte[785], 784));
        Assert.Contains("785 bytes", error.Message);
        Assert.Throws<ArgumentException>(() => new ImageBatch(ImageElement.Fp32, 784, new byte[784])); // 784 bytes are 196 floats
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageBatch.Uint8([], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageBatch((ImageElement)7, 1, [1]));
        Assert.Equal(0, ImageBatch.Uint8([], 784).Count);
    }

    [Fact]
    public void Fp32_keeps_the_floats_exactly()
    {
        float[] values = [0f, 1f, 0.1f, 1e-7f, 0.333333343f, 0.5f];
        var batch = ImageBatch.Fp32(values, 3);

        Assert.Equal((ImageElement.Fp32, 2, 4, 12), (batch.Element, batch.Count, batch.ElementSize, batch.ItemBytes));
        Assert.Equal(values[..3], batch.ItemAsFloats(0));
        Assert.Equal(values[3..], batch.ItemAsFloats(1));
    }

    [Fact]
    public void A_selection_is_a_view_of_the_same_buffer_and_selections_compose()
    {
        var batch = Bytes(5, 4);
        var view = batch.Select([4, 1, 3]);
        var inner = view.Select([2, 0]); // items 3 and 4 of the batch

        Assert.True(view.IsView);
        Assert.Equal(3, view.Count);
        Assert.True(Unsafe.AreSame(ref MemoryMarshal.GetReference(view.Item(0)), ref MemoryMarshal.GetReference(batch.Item(4))), "a view copies nothing");
        Assert.Equal(batch.Item(3).ToArray(), inner.Item(0).ToArray());
        Assert.Equal(batch.Item(4).ToArray(), inner.Item(1).ToArray());
        Assert.Equal([.. batch.Item(4), .. batch.Item(1), .. batch.Item(3)], view.ContiguousBytes());
        Assert.Throws<ArgumentOutOfRangeException>(() => view.Select([3]));
        Assert.Equal(0, batch.Select([]).Count);
    }

    [Fact]
    public void Uint8_items_read_as_floats_divide_by_255()
    {
        var batch = ImageBatch.Uint8([0, 1, 128, 255], 4);
        Assert.Equal(new[] { 0f, 1 / 255f, 128 / 255f, 1f }, batch.ItemAsFloats(0));
    }

    private static IServiceProvider Orleans() => new ServiceCollection().AddSerializer().BuildServiceProvider();

    [Fact]
    public void Over_the_wire_a_view_sends_only_its_items_and_arrives_whole()
    {
        var serializer = Orleans().GetRequiredService<Serializer>();
        var batch = Bytes(50, 784);
        var view = batch.Select([7, 3]);

        var wire = serializer.SerializeToArray(view);
        var copy = serializer.Deserialize<ImageBatch>(wire)!;

        Assert.InRange(wire.Length, 2 * 784, 3 * 784); // two items' bytes, not the fifty of the buffer
        Assert.False(copy.IsView);
        Assert.Equal((view.Element, view.Count, view.ItemSize), (copy.Element, copy.Count, copy.ItemSize));
        Assert.Equal(view.ContiguousBytes(), copy.ContiguousBytes());

        var fp32 = ImageBatch.Fp32([0.25f, 0.5f, 0.75f, 1f], 2);
        var fp32Copy = serializer.Deserialize<ImageBatch>(serializer.SerializeToArray(fp32))!;
        Assert.Equal((ImageElement.Fp32, 2), (fp32Copy.Element, fp32Copy.Count));
        Assert.Equal(new[] { 0.75f, 1f }, fp32Copy.ItemAsFloats(1));
    }

    [Fact]
    public void Within_a_silo_the_batch_is_passed_as_is()
    {
        var copier = Orleans().GetRequiredService<DeepCopier>();
        var batch = Bytes(3, 784);
        var view = batch.Select([2]);

        Assert.Same(batch, copier.Copy(batch));
        Assert.Same(view, copier.Copy(view));
    }
}
