using Gearbox.Contracts.Serving;
using Gearbox.Data;
using Gearbox.Serving;

namespace Gearbox.Tests.Serving;

[Collection("serving")]
public class PipelineGrainTests(ServingCluster serving)
{
    private static readonly string[] Cascade = ["mlp", "cnn-small", "cnn-large"];
    private double FarDeadline => UnixClock.NowMs + 30_000;

    private async Task SetThresholds(string pipeline, string stage, double[] thresholds, int maxBatch = 32)
    {
        var configuration = new StageConfiguration(thresholds, Cascade.Select(m => new ModelProvision(m, 2, maxBatch)).ToArray());
        await serving.Client.GetGrain<IPipelineGrain>(pipeline).Configure(stage, configuration);
    }

    [Fact]
    public async Task N_concurrent_requests_get_N_answers_equal_to_the_offline_cascade()
    {
        double[] thresholds = [0.8, 0.9];
        await SetThresholds("fashion", "classify", thresholds);
        var test = serving.Models.Data.Test;
        const int n = 300;
        var pipeline = serving.Client.GetGrain<IPipelineGrain>("fashion");

        var answers = await Task.WhenAll(Enumerable.Range(0, n).Select(i => pipeline.Infer(TestBatches.Of(test, i), FarDeadline)));

        using var offline = new OfflineCascade(serving.Models.Store, Cascade);
        Assert.Equal(n, answers.Length);
        for (var i = 0; i < n; i++)
        {
            var item = Assert.Single(answers[i]);
            Assert.Equal(ItemStatus.Ok, item.Status);
            var (label, model) = offline.Answer(test.ToFloats(i, 1), thresholds);
            Assert.Equal(label, item.Labels[0]);
            Assert.Equal(model, item.Models[0]);
        }
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.95, 0.0)]
    [InlineData(1.0, 1.0)]
    public async Task Cascade_forwards_exactly_the_items_below_each_threshold(double first, double second)
    {
        await SetThresholds("fashion", "classify", [first, second]);
        var test = serving.Models.Data.Test;
        var images = TestBatches.Of(test, Enumerable.Range(100, 60).ToArray());

        var answers = await serving.Client.GetGrain<IPipelineGrain>("fashion").Infer(images, FarDeadline);

        using var offline = new OfflineCascade(serving.Models.Store, Cascade);
        var expected = images.Floats().Select(img => offline.Answer(img, [first, second]).Model).ToArray();
        Assert.Equal(expected, answers.Select(a => a.Models[0]));
        if (first == 0.0) Assert.All(answers, a => Assert.Equal("mlp", a.Models[0]));
        if (second == 0.0) Assert.DoesNotContain(answers, a => a.Models[0] == "cnn-large");
    }

    [Fact]
    public async Task Grid_pipeline_fans_out_occupied_tiles_and_gathers_them_in_tile_order()
    {
        double[] thresholds = [0.8, 0.9];
        await SetThresholds("fashion-grid", "classify", thresholds);
        var grids = GridImages.Generate(serving.Models.Data.Test, 24, seed: 5);
        var batch = TestBatches.Of(grids, 0, grids.Count);
        var inputs = batch.Floats();

        var answers = await serving.Client.GetGrain<IPipelineGrain>("fashion-grid").Infer(batch, FarDeadline);

        using var offline = new OfflineCascade(serving.Models.Store, Cascade);
        using var detector = new OfflineCascade(serving.Models.Store, ["grid-tiles"]);
        var occupiedTiles = 0;
        for (var g = 0; g < grids.Count; g++)
        {
            var mask = detector.Run("grid-tiles", inputs[g], 1).TileMask![0];
            Assert.Equal(ItemStatus.Ok, answers[g].Status);
            for (var t = 0; t < 4; t++)
            {
                if (!mask[t])
                {
                    Assert.Equal(-1, answers[g].Labels[t]);
                    continue;
                }
                occupiedTiles++;
                var (label, model) = offline.Answer(GridImages.CutTiles(batch, [(g, t)]).ItemAsFloats(0), thresholds);
                Assert.Equal(label, answers[g].Labels[t]);
                Assert.Equal(model, answers[g].Models[t]);
            }
        }
        Assert.InRange(occupiedTiles, 1, grids.Count * 4 - 1);
        var snapshot = await serving.Client.GetGrain<IPipelineGrain>("fashion-grid").GetSnapshot();
        Assert.True(snapshot.Stages[1].Items >= occupiedTiles);
    }

    [Fact]
    public async Task Requests_past_their_deadline_are_dropped_at_once_and_counted()
    {
        var pipeline = serving.Client.GetGrain<IPipelineGrain>("cnn-large");
        var before = await pipeline.GetSnapshot();
        var images = TestBatches.Of(serving.Models.Data.Test, 0, 1, 2, 3, 4);

        var answers = await pipeline.Infer(images, UnixClock.NowMs - 1);

        Assert.All(answers, a => Assert.Equal(ItemStatus.DeadlineExceeded, a.Status));
        var after = await pipeline.GetSnapshot();
        Assert.Equal(5, after.Dropped - before.Dropped);
        Assert.Equal(5, after.Stages[0].Workers.Sum(w => w.Dropped) - before.Stages[0].Workers.Sum(w => w.Dropped));
    }
}
