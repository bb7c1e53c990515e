using System.Text.Json;
using Gearbox.Bench;

namespace Gearbox.Tests.Bench;

/// <summary>--scale-out: its options, the peak and ratio it reads from the sweeps, and its JSON (pure; the runs themselves are the bench's).</summary>
public class ScaleOutBenchTests
{
    private static readonly int[][] Truths = Enumerable.Range(0, 10).Select(i => new[] { i }).ToArray();

    private static BenchOptions Parse(params string[] args) => BenchOptions.Parse(args);

    [Fact]
    public void Scale_out_options_are_read_with_emulation_defaults()
    {
        var o = Parse("--scale-out", "2,1", "--slo", "1000", "--rate", "100,200");
        Assert.Equal([1, 2], o.ScaleOut!);
        Assert.Equal(2, o.EmulateDevices);
        Assert.Equal("this-machine-cpu", o.EmulatedProfile);
        Assert.Equal(100, o.Slowdown);
        Assert.Null(o.MinAccuracy);
        Assert.Equal(120, o.GearWaitSeconds);

        var set = Parse("--scale-out", "1,2,3", "--slo", "500", "--emulate-devices", "4", "--emulated-profile", "v100-bert", "--slowdown", "10",
            "--min-accuracy", "0.92", "--gear-wait", "60", "--start-timeout", "90");
        Assert.Equal((4, "v100-bert", 10.0, 0.92, 60.0, 90.0), (set.EmulateDevices, set.EmulatedProfile, set.Slowdown, set.MinAccuracy!.Value, set.GearWaitSeconds, set.StartTimeoutSeconds));
    }

    [Theory]
    [InlineData("needs --slo", "--scale-out", "1,2")]
    [InlineData("at least two", "--scale-out", "2", "--slo", "1000")]
    [InlineData("twice", "--scale-out", "1,1", "--slo", "1000")]
    [InlineData("'0'", "--scale-out", "0,1", "--slo", "1000")]
    [InlineData("'9'", "--scale-out", "1,9", "--slo", "1000")]
    [InlineData("'x'", "--scale-out", "1,x", "--slo", "1000")]
    [InlineData("needs silo counts", "--scale-out")]
    [InlineData("leave out --target", "--scale-out", "1,2", "--slo", "1000", "--target", "http://127.0.0.1:8080")]
    [InlineData("leave out --trace", "--scale-out", "1,2", "--slo", "1000", "--trace", "diurnal")]
    [InlineData("leave out --protocols", "--scale-out", "1,2", "--slo", "1000", "--protocols", "grpc")]
    [InlineData("leave out --engine-baseline", "--scale-out", "1,2", "--slo", "1000", "--engine-baseline")]
    [InlineData("--emulate-devices goes with --scale-out", "--emulate-devices", "2")]
    [InlineData("--slowdown goes with --scale-out", "--slowdown", "50")]
    [InlineData("--gear-wait goes with --compare or --scale-out", "--gear-wait", "50")]
    [InlineData("--emulate-devices must be a number in [1, 64]", "--scale-out", "1,2", "--slo", "1000", "--emulate-devices", "0")]
    [InlineData("--slowdown must be a number in [1, 100000]", "--scale-out", "1,2", "--slo", "1000", "--slowdown", "0.5")]
    [InlineData("--min-accuracy must be a number in [0, 1]", "--scale-out", "1,2", "--slo", "1000", "--min-accuracy", "1.5")]
    [InlineData("--emulated-profile needs", "--scale-out", "1,2", "--slo", "1000", "--emulated-profile", "")]
    public void Bad_scale_out_options_are_refused_with_the_reason(string reason, params string[] args)
    {
        var e = Assert.Throws<BenchUsageException>(() => Parse(args));
        Assert.Contains(reason, e.Message);
    }

    /// <summary>A rate's run: <paramref name="good"/> answered within the 1 s SLO, <paramref name="late"/> answered after it, <paramref name="noAnswer"/> without any answer, over 10 s.</summary>
    private static ScaleRateRun Rate(double rate, int good, int late = 0, int noAnswer = 0, int drops = 0)
    {
        var outcomes = new List<RequestOutcome>();
        for (var k = 0; k < good; k++) outcomes.Add(new RequestOutcome(k % 10, 200, 100 + k % 7, 0, [k % 10], null));
        for (var k = 0; k < late; k++) outcomes.Add(new RequestOutcome(0, 200, 1500, 0, [0], null));
        for (var k = 0; k < noAnswer; k++) outcomes.Add(new RequestOutcome(0, 0, 10_000, 0, null, "timeout"));
        for (var k = 0; k < drops; k++) outcomes.Add(new RequestOutcome(0, 504, 900, 0, null, null));
        var window = WindowFigures.From(outcomes, Truths, 10, sloMs: 1000);
        var http = new HttpFigures(window.Sent, window.Sent / 10.0, window.Ok, window.Drops, new Dictionary<string, int>(), window.Ok / 10.0,
            window.OkLatency, window.Attainment, window.Accuracy, window.SendLag, []);
        return new ScaleRateRun(rate, http, window, GearAfter: 2, LateBatches: 0);
    }

    private static ScaleOutResult Cluster(int silos, params ScaleRateRun[] runs) =>
        new(silos, null, silos * 2, "emulated:this-machine-cpu ×100 slower", silos * 2, 300 * silos, runs,
            [new SiloWork("S127.0.0.1:1:1", "silo-a", "Active", 2, ["fashion/classify/mlp/0"], 1234)]);

    [Fact]
    public void The_peak_is_the_highest_rate_that_held_the_SLO_and_the_ratio_compares_peak_goodputs()
    {
        var one = Cluster(1, Rate(100, 1000), Rate(200, 2000), Rate(300, 2500, late: 500));
        var two = Cluster(2, Rate(200, 2000), Rate(400, 3990, noAnswer: 10), Rate(500, 3000, drops: 2000));

        Assert.Equal(200, one.Peak!.Rate);
        Assert.Equal(200, one.PeakGoodput, 9);
        Assert.Equal(400, two.Peak!.Rate); // 99.75 % within the SLO
        Assert.Equal(399, two.PeakGoodput, 9);
        Assert.True(one.Saturated && two.Saturated);
        Assert.Equal(1.995, ScaleOutRatio.Of(two, one), 9);
        Assert.Equal(1.8, ScaleOutRatio.TargetFor(2, 1), 9);
        Assert.Equal(2.7, ScaleOutRatio.TargetFor(3, 1), 9);
    }

    [Fact]
    public void No_peak_gives_no_ratio_and_a_sweep_stops_after_two_misses_in_a_row()
    {
        var none = Cluster(1, Rate(100, 500, late: 500));
        Assert.Null(none.Peak);
        Assert.True(double.IsNaN(ScaleOutRatio.Of(Cluster(2, Rate(100, 1000)), none)));

        Assert.Equal(0, ScaleOutRatio.TrailingMisses([Rate(100, 1000), Rate(200, 2000)]));
        Assert.Equal(1, ScaleOutRatio.TrailingMisses([Rate(100, 500, late: 500), Rate(200, 2000), Rate(300, 1000, late: 2000)]));
        Assert.Equal(2, ScaleOutRatio.TrailingMisses([Rate(100, 1000), Rate(200, 1000, late: 1000), Rate(300, 1000, noAnswer: 2000)]));
    }

    [Fact]
    public void The_json_carries_no_answer_emulation_peaks_ratio_and_where_work_ran()
    {
        var o = Parse("--scale-out", "1,2", "--slo", "1000", "--rate", "100,200", "--duration", "10");
        var one = Cluster(1, Rate(100, 1000), Rate(200, 1500, late: 500));
        var two = Cluster(2, Rate(100, 995, noAnswer: 5), Rate(200, 1998, noAnswer: 2));
        var json = BenchJson.Serialize(ScaleOutJson.From(o, [one, two], new LoadAverageJson("1.00 2.00 3.00", "1.50 2.00 3.00"), DateTimeOffset.UnixEpoch));

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("scale-out", root.GetProperty("kind").GetString());
        Assert.Equal(1000, root.GetProperty("sloMs").GetDouble());
        var emulation = root.GetProperty("emulation");
        Assert.True(emulation.GetProperty("emulated").GetBoolean());
        Assert.Equal(100, emulation.GetProperty("slowdown").GetDouble());
        Assert.StartsWith("EMULATED", emulation.GetProperty("label").GetString());
        Assert.Equal("1.00 2.00 3.00", root.GetProperty("loadAverage").GetProperty("atStart").GetString());

        var clusters = root.GetProperty("clusters");
        Assert.Equal(2, clusters.GetArrayLength());
        var second = clusters[1];
        Assert.Equal(2, second.GetProperty("silos").GetInt32());
        Assert.Equal("ran", second.GetProperty("status").GetString());
        Assert.Equal(4, second.GetProperty("deviceBudget").GetInt32());
        Assert.Equal(5, second.GetProperty("runs")[0].GetProperty("measured").GetProperty("noAnswer").GetInt32());
        Assert.Equal(2, second.GetProperty("peak").GetProperty("noAnswer").GetInt32());
        Assert.Equal(199.8, second.GetProperty("peak").GetProperty("goodput").GetDouble(), 9);
        Assert.Equal(1234, second.GetProperty("work")[0].GetProperty("served").GetInt64());
        Assert.Equal(JsonValueKind.Null, clusters[0].GetProperty("problem").ValueKind);

        var ratio = root.GetProperty("ratios").EnumerateArray().Single();
        Assert.Equal((2, 1), (ratio.GetProperty("silos").GetInt32(), ratio.GetProperty("over").GetInt32()));
        Assert.Equal(1.998, ratio.GetProperty("ratio").GetDouble(), 9); // 199.8 over one silo's peak of 100 (200/s missed the SLO)
        Assert.Equal(1.8, ratio.GetProperty("target").GetDouble(), 9);
        Assert.True(ratio.GetProperty("meetsTarget").GetBoolean());
        Assert.Equal(JsonValueKind.Null, ratio.GetProperty("problem").ValueKind);
        Assert.Empty(second.GetProperty("idleSilos").EnumerateArray());
    }

    [Fact]
    public void A_silo_that_served_nothing_is_named_and_the_ratio_says_so()
    {
        var o = Parse("--scale-out", "1,2", "--slo", "1000");
        var two = Cluster(2, Rate(100, 1000)) with
        {
            Work = [new SiloWork("S127.0.0.1:1:1", "silo-a", "Active", 2, ["fashion/classify/mlp/0"], 900), new SiloWork("S127.0.0.1:2:1", "silo-b", "Active", 2, [], 0)],
        };
        Assert.Equal(["silo-b"], two.IdleSilos);
        var json = BenchJson.Serialize(ScaleOutJson.From(o, [Cluster(1, Rate(100, 1000)), two], new LoadAverageJson(null, null), DateTimeOffset.UnixEpoch));
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("silo-b", doc.RootElement.GetProperty("clusters")[1].GetProperty("idleSilos")[0].GetString());
        Assert.Contains("silo-b served nothing", doc.RootElement.GetProperty("ratios")[0].GetProperty("problem").GetString());
        Assert.Contains("WARNING: silo-b served nothing", ScaleOutRuns.Table([Cluster(1, Rate(100, 1000)), two], 1000));
    }

    [Fact]
    public void A_cluster_that_did_not_start_is_failed_with_its_reason_and_no_ratio()
    {
        var o = Parse("--scale-out", "1,2", "--slo", "1000");
        var json = BenchJson.Serialize(ScaleOutJson.From(o, [Cluster(1, Rate(100, 1000)), ScaleOutResult.NotRun(2, "device budget 2, not 4")],
            new LoadAverageJson(null, null), DateTimeOffset.UnixEpoch));
        using var doc = JsonDocument.Parse(json);
        var failed = doc.RootElement.GetProperty("clusters")[1];
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("device budget 2, not 4", failed.GetProperty("problem").GetString());
        var ratio = doc.RootElement.GetProperty("ratios")[0];
        Assert.Equal(JsonValueKind.Null, ratio.GetProperty("ratio").ValueKind);
        Assert.Equal(JsonValueKind.Null, ratio.GetProperty("meetsTarget").ValueKind);
    }

    [Fact]
    public void A_silo_that_could_not_read_anothers_metadata_is_reported()
    {
        string[] output =
        [
            "info: Microsoft.Hosting.Lifetime[0]",
            "fail: Orleans.Runtime.MembershipService.SiloMetadata.SiloMetadataCache[0]",
            "      Error fetching metadata for silo S127.0.0.1:34345:155196259",
            "      Error fetching metadata for silo S127.0.0.1:34345:155196259",
        ];
        Assert.Equal(["silo1: Error fetching metadata for silo S127.0.0.1:34345:155196259"], SiloWarnings.From("silo1", output));
        Assert.Empty(SiloWarnings.From("silo2", ["info: started"]));
    }

    [Fact]
    public void Late_emulated_batches_are_summed_over_every_label_set()
    {
        const string metrics = """
            # HELP gearbox_emulated_late_batches_total Batches ...
            # TYPE gearbox_emulated_late_batches_total counter
            gearbox_emulated_late_batches_total{profile="this-machine-cpu"} 7 1733100000000
            gearbox_emulated_late_batches_total{profile="v100 bert"} 3
            gearbox_emulated_late_batches_totalish 100
            gearbox_workers{model="mlp"} 1
            """;
        Assert.Equal(10, ClusterReadings.SumCounter(metrics, ClusterReadings.LateBatchesMetric));
        Assert.Equal(0, ClusterReadings.SumCounter("gearbox_workers 1", ClusterReadings.LateBatchesMetric));
    }
}
