using Gearbox.Contracts.Serving;
using Gearbox.Data;
using Gearbox.Inference;
using Gearbox.Models;
using static TorchSharp.torch;

namespace Gearbox.Tests.Serving;

/// <summary>
/// The serving path's input (UINT8 bytes copied once into the batch tensor, divided by 255 there) answers
/// exactly like the float path it replaced (bytes divided by 255 in .NET, then copied into the tensor):
/// same labels, same confidences, bit for bit, on real Fashion-MNIST test images through every zoo model.
/// </summary>
public class EngineImageInputTests
{
    private const int Images = 300;
    private static ServingModels Models => ServingModels.Instance;

    [Fact]
    public void Libtorch_divides_every_byte_by_255_exactly_as_dotnet_does()
    {
        using var scope = NewDisposeScope();
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var onTensor = tensor(bytes).to_type(ScalarType.Float32).div_(255f).data<float>().ToArray();
        Assert.Equal(bytes.Select(b => b / 255f), onTensor);
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn-small")]
    [InlineData("cnn-large")]
    public async Task Uint8_batches_answer_like_the_float_path_for_fashion_images(string model)
    {
        var test = Models.Data.Test;
        using var engine = InferenceEngine.Load(Models.Store, ModelZoo.Get(model));

        var floats = await engine.InferAsync(test.ToFloats(0, Images), Images);
        var bytes = await engine.InferAsync(ImageBatch.Uint8(test.Pixels[..(Images * test.ImageSize)], test.ImageSize));

        Assert.Equal(floats.Labels, bytes.Labels);
        Assert.Equal(floats.Confidence, bytes.Confidence);
    }

    [Fact]
    public async Task Uint8_grids_answer_like_the_float_path_for_the_tile_detector()
    {
        var grids = GridImages.Generate(Models.Data.Test, 100, seed: 4);
        using var engine = InferenceEngine.Load(Models.Store, ModelZoo.GridTiles);

        var floats = await engine.InferAsync(grids.ToFloats(0, grids.Count), grids.Count);
        var bytes = await engine.InferAsync(TestBatches.Of(grids, 0, grids.Count));

        Assert.Equal(floats.Labels, bytes.Labels);
        Assert.Equal(floats.Confidence, bytes.Confidence);
        for (var i = 0; i < grids.Count; i++) Assert.Equal(floats.TileMask![i], bytes.TileMask![i]);
    }

    [Fact]
    public async Task Items_from_several_batches_views_and_fp32_make_one_batch_that_answers_like_floats()
    {
        var test = Models.Data.Test;
        using var engine = InferenceEngine.Load(Models.Store, ModelZoo.Get("cnn-small"));
        var first = TestBatches.Of(test, Enumerable.Range(0, 40).ToArray());
        var view = first.Select([39, 5, 17]);
        var fp32 = ImageBatch.Fp32(test.ToFloats(40, 10), test.ImageSize);
        // As a worker's batch: items of three calls, one of them a view, one FP32 (the mixed tensor path).
        var items = Enumerable.Range(0, 40).Select(i => new ImageItem(first, i))
            .Concat(Enumerable.Range(0, 3).Select(i => new ImageItem(view, i)))
            .Concat(Enumerable.Range(0, 10).Select(i => new ImageItem(fp32, i))).ToArray();
        int[] order = [.. Enumerable.Range(0, 40), 39, 5, 17, .. Enumerable.Range(40, 10)];

        var expected = await engine.InferAsync(test.ToFloats(order), order.Length);
        var mixed = await engine.InferAsync(items);
        var uint8Only = await engine.InferAsync(items[..43]);

        Assert.Equal(expected.Labels, mixed.Labels);
        Assert.Equal(expected.Confidence, mixed.Confidence);
        var expected43 = await engine.InferAsync(test.ToFloats(order[..43]), 43);
        Assert.Equal(expected43.Labels, uint8Only.Labels);
        Assert.Equal(expected43.Confidence, uint8Only.Confidence);
    }

    [Fact]
    public async Task Items_of_the_wrong_size_are_refused_before_they_reach_torch()
    {
        using var engine = InferenceEngine.Load(Models.Store, ModelZoo.Get("mlp"));
        var error = Assert.Throws<ArgumentException>(() => { _ = engine.InferAsync(ImageBatch.Uint8(new byte[56 * 56], 56 * 56)); });
        Assert.Contains("784", error.Message);
        Assert.Throws<ArgumentException>(() => { _ = engine.InferAsync(Array.Empty<ImageItem>()); });
        await Task.CompletedTask;
    }
}
