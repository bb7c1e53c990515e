using Gearbox.Data;
using Gearbox.Inference;
using Gearbox.Models;

namespace Gearbox.Tests.Foundation;

public class InferenceEngineTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task A_batch_of_n_answers_like_n_single_calls()
    {
        using var engine = InferenceEngine.Load(tiny.Store, ModelZoo.Mlp);
        const int n = 16;
        var batch = await engine.InferAsync(tiny.Test.ToFloats(0, n), n);

        for (var i = 0; i < n; i++)
        {
            var single = await engine.InferAsync(tiny.Test.ToFloats(i, 1), 1);
            Assert.Equal(single.Labels[0], batch.Labels[i]);
            Assert.Equal(single.Confidence[0], batch.Confidence[i], 5);
        }
    }

    [Fact]
    public async Task Thread_count_changes_at_run_time_without_losing_queued_work()
    {
        using var engine = InferenceEngine.Load(tiny.Store, ModelZoo.Mlp, threads: 1);
        var inputs = tiny.Test.ToFloats(0, 8);
        var before = engine.InferAsync(inputs, 8);
        engine.SetThreads(Environment.ProcessorCount);
        var after = engine.InferAsync(inputs, 8);

        Assert.Equal((await before).Labels, (await after).Labels);
        Assert.Equal(Environment.ProcessorCount, engine.Threads);
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.SetThreads(0));
    }

    [Fact]
    public void Wrong_input_length_is_refused_before_it_reaches_torch()
    {
        using var engine = InferenceEngine.Load(tiny.Store, ModelZoo.Mlp);
        var error = Assert.Throws<ArgumentException>(() => { _ = engine.InferAsync(new float[783], 1); });
        Assert.Contains("784", error.Message);
    }

    [Fact]
    public void Tile_detector_returns_a_mask_and_the_count_of_occupied_tiles()
    {
        var grids = GridImages.Generate(SyntheticData.Images(100, 3), 64, seed: 1);
        var (module, metadata) = Trainer.Train(ModelZoo.GridTiles, TrainingData.Tiles(grids), TrainingData.Tiles(grids), "synthetic", seed: 1, epochs: 1);
        using var engine = new InferenceEngine(ModelZoo.GridTiles, module, metadata);

        var output = engine.Infer(grids.ToFloats(0, 4), 4);

        Assert.NotNull(output.TileMask);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(4, output.TileMask[i].Length);
            Assert.Equal(output.TileMask[i].Count(b => b), output.Labels[i]);
            Assert.InRange(output.Confidence[i], 0.5f, 1f);
        }
    }

    [Fact]
    public void Device_picker_chooses_cpu_here_and_refuses_unknown_devices()
    {
        Assert.Equal(TorchSharp.torch.cuda.is_available() ? "cuda:0" : "cpu", DevicePicker.Pick());
        Assert.Throws<ArgumentException>(() => DevicePicker.Pick("tpu"));
        if (!TorchSharp.torch.cuda.is_available()) Assert.Throws<ArgumentException>(() => DevicePicker.Pick("cuda:0"));
    }
}
