using System.Text;
using Gearbox.Bench;
using Gearbox.Contracts.Serving;
using Gearbox.Gateway.Protocol;

namespace Gearbox.Tests.Bench;

public class BenchScoringTests
{
    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var stats = new LatencyStats(Enumerable.Range(1, 100).Select(i => (double)(101 - i)));

        Assert.Equal(50, stats.P50);
        Assert.Equal(95, stats.P95);
        Assert.Equal(99, stats.P99);
        Assert.Equal(100, stats.Max);
        Assert.True(double.IsNaN(new LatencyStats([]).P50));
    }

    [Fact]
    public void Accuracy_counts_slots_with_empty_tiles_as_minus_one()
    {
        var score = new AccuracyScore();
        score.Add([3, -1, 7, 2], [3, -1, 7, 4]);
        score.Add([5], [5]);

        Assert.Equal(4, score.Correct);
        Assert.Equal(5, score.Slots);
    }

    [Fact]
    public void Labels_are_read_back_from_the_gateways_response()
    {
        var body = InferResponseWriter.ToUtf8("fashion-grid", null,
            [new PipelineItem(ItemStatus.Ok, [1, -1, 7, 2], [0.9f, 0, 0.8f, 0.7f], ["mlp", "", "mlp", "cnn-small"])], 4, 3);

        Assert.Equal([1, -1, 7, 2], ResponseLabels.Read(body)!);
        Assert.Null(ResponseLabels.Read("{\"error\":1}"u8));
        Assert.Null(ResponseLabels.Read("not json"u8));
    }

    [Fact]
    public void Thresholds_are_found_in_a_snapshot_keyed_by_model_or_as_an_array()
    {
        string[] cascade = ["mlp", "cnn-small", "cnn-large"];
        var keyed = """{"stages":[{"name":"tiles","configuration":{"thresholds":{}}},{"name":"classify","configuration":{"thresholds":{"cnn-small":0.8,"mlp":0.85}}}]}""";
        var array = """{"stages":[{"configuration":{"thresholds":[0.7,0.6]}}]}""";

        Assert.Equal([0.85, 0.8], GatewayThresholds.FromSnapshot(Encoding.UTF8.GetBytes(keyed), cascade)!);
        Assert.Equal([0.7, 0.6], GatewayThresholds.FromSnapshot(Encoding.UTF8.GetBytes(array), cascade)!);
        Assert.Null(GatewayThresholds.FromSnapshot("""{"stages":[]}"""u8, cascade));
    }
}
