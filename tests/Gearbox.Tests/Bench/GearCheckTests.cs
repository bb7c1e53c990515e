using System.Text;
using System.Text.Json;
using Gearbox.Bench;

namespace Gearbox.Tests.Bench;

public class GearCheckTests
{
    private static readonly int[][] Truths = [[1], [2]];

    private static PlanGear Gear(double maxLoad = 100) => new(2, maxLoad / 2, maxLoad, 0.91, 40, 35, 0.995, 2);

    /// <summary><paramref name="good"/> requests answered 200 within a 50 ms SLO, <paramref name="late"/> after it, and the rest dropped, over 10 s.</summary>
    private static WindowFigures Window(int good, int late = 0, int drops = 0, double lagMs = 0)
    {
        var outcomes = Enumerable.Range(0, good).Select(k => new RequestOutcome(k % 2, 200, 10, lagMs, [k % 2 + 1], null))
            .Concat(Enumerable.Range(0, late).Select(_ => new RequestOutcome(0, 200, 80, lagMs, [9], null)))
            .Concat(Enumerable.Range(0, drops).Select(_ => new RequestOutcome(0, 504, 50, lagMs, null, null)));
        return WindowFigures.From(outcomes.ToArray(), Truths, 10, sloMs: 50);
    }

    [Fact]
    public void Goodput_counts_only_200s_within_the_SLO_per_second_of_the_window()
    {
        var w = WindowFigures.From(
            [new(0, 200, 10, 0, [1], null), new(1, 200, 60, 0, [2], null), new(0, 504, 50, 0, null, null),
             new(0, 0, 10_000, 0, null, "timeout"), new(0, 503, 1, 0, null, null), new(1, 200, 20, 0, [0], null)],
            Truths, windowSeconds: 2, sloMs: 50);

        Assert.Equal(6, w.Sent);
        Assert.Equal(3, w.Ok);
        Assert.Equal(2, w.Good);
        Assert.Equal(1, w.Drops);
        Assert.Equal(1, w.NoAnswer);
        Assert.Equal(1, w.Errors);
        Assert.Equal(1.0, w.Goodput);
        Assert.Equal(3.0, w.OfferedRate);
        Assert.Equal(2.0 / 6, w.Attainment, 9);
        Assert.Equal(2.0 / 3, w.Accuracy.Accuracy, 9);
    }

    [Theory]
    [InlineData(1000, 0, 1.0, GearVerdict.WithinTarget)]
    [InlineData(800, 200, 0.8, GearVerdict.WithinTarget)]
    [InlineData(790, 210, 0.79, GearVerdict.BelowTarget)]
    [InlineData(1300, 0, 1.3, GearVerdict.AboveTarget)]
    public void The_ratio_is_measured_goodput_over_claimed_capacity(int good, int late, double ratio, GearVerdict verdict)
    {
        var check = new GearCheck(Gear(100), 100, 10, false, Window(good, late));

        Assert.Equal(ratio, check.Ratio, 9);
        Assert.Equal(verdict, check.Verdict);
        Assert.Equal(verdict == GearVerdict.WithinTarget, check.WithinTarget);
    }

    [Fact]
    public void A_shortfall_while_the_generator_lagged_is_inconclusive_not_low()
    {
        var check = new GearCheck(Gear(100), 100, 10, false, Window(500, drops: 500, lagMs: 80));

        Assert.True(check.Measured.GeneratorBehind);
        Assert.Equal(GearVerdict.GeneratorBound, check.Verdict);
        Assert.False(check.WithinTarget);
        Assert.Contains("generator", check.VerdictText);
        Assert.Contains("500 of 1000 with 504", check.VerdictText);
    }

    [Fact]
    public void No_requests_is_no_measurement() =>
        Assert.Equal(GearVerdict.NoMeasurement, new GearCheck(Gear(), 100, 10, false, Window(0)).Verdict);

    [Theory]
    [InlineData(100, 10, 10, false)]
    [InlineData(2, 10, 50, true)]      // stretched to send 100 requests
    [InlineData(0.5, 10, 60, true)]    // stretched, but at most 60 s
    [InlineData(8, 10, 10, true)]      // 80 expected requests: weak, not tiny
    public void A_tiny_gear_runs_longer_and_is_flagged_weak(double rate, double duration, double seconds, bool weak) =>
        Assert.Equal((seconds, weak), GearCheck.Plan(rate, duration, 100_000));

    [Fact]
    public void The_test_rate_is_the_claimed_upper_load_capped_at_the_ceiling()
    {
        var plan = new ServedPlan(3, null, 100, 0.9, [Gear(500), Gear(5000)], 4000, []);

        Assert.Equal(500, plan.TestRate(plan.Gears[0]));
        Assert.Equal(4000, plan.TestRate(plan.Gears[1]));
        Assert.Equal(5000, (plan with { Ceiling = null }).TestRate(plan.Gears[1]));
    }

    [Fact]
    public void Gears_are_picked_by_index_and_an_unknown_one_is_named()
    {
        var plan = new ServedPlan(3, null, 100, 0.9, [Gear(50) with { Index = 0 }, Gear(100) with { Index = 1 }, Gear(200) with { Index = 2 }], null, []);

        Assert.Equal([0, 1, 2], GearRuns.SelectGears(plan, null).Select(g => g.Index));
        Assert.Equal([0, 2], GearRuns.SelectGears(plan, [2, 0]).Select(g => g.Index));
        var error = Assert.Throws<BenchUsageException>(() => GearRuns.SelectGears(plan, [1, 7]));
        Assert.Contains("no gear 7", error.Message);
        Assert.Contains("0, 1, 2", error.Message);
    }

    [Fact]
    public void The_json_has_the_plan_and_per_gear_predicted_measured_ratio_and_verdict()
    {
        using var request = JsonDocument.Parse("""{"pipeline":"fashion","sloMs":100,"minAccuracy":0.9,"devices":2}""");
        var check = new GearCheck(Gear(100), 100, 10, false, Window(950, 50));
        var json = BenchJson.Serialize(new ValidationJson("validate-plan", DateTimeOffset.UnixEpoch, "http://127.0.0.1:8080/", "fashion", 3,
            request.RootElement.Clone(), 4000, 100, SloSource.Plan, new TargetBandJson(0.8, 1.2), [GearJson.From(check)], true, null));

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(3, root.GetProperty("planVersion").GetInt32());
        Assert.Equal(100, root.GetProperty("request").GetProperty("sloMs").GetDouble());
        var gear = root.GetProperty("gears")[0];
        Assert.Equal(2, gear.GetProperty("index").GetInt32());
        Assert.Equal(100, gear.GetProperty("predicted").GetProperty("capacity").GetDouble());
        Assert.Equal(0.91, gear.GetProperty("predicted").GetProperty("accuracy").GetDouble());
        Assert.Equal(95, gear.GetProperty("measured").GetProperty("goodput").GetDouble());
        Assert.Equal(0, gear.GetProperty("measured").GetProperty("noAnswer").GetInt32());
        Assert.Equal(0.95, gear.GetProperty("ratio").GetDouble());
        Assert.True(gear.GetProperty("withinTarget").GetBoolean());
        Assert.Equal("withinTarget", gear.GetProperty("verdict").GetString());
        Assert.Equal("plan", root.GetProperty("sloSource").GetString());
    }

    [Fact]
    public void Numbers_json_cannot_hold_are_written_as_null()
    {
        var json = BenchJson.Serialize(MeasuredJson.From(Window(0)));

        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("p99Ms").ValueKind);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("attainment").ValueKind);
        Assert.Equal(0, document.RootElement.GetProperty("goodput").GetDouble());
    }

    [Fact]
    public void The_phases_json_names_its_parts()
    {
        var w = Window(10);
        var json = BenchJson.Serialize(new PhasesJson("phases", DateTimeOffset.UnixEpoch, "t", "fashion", 100, SloSource.Option, false,
            [new PhaseJson(1, 200, 20, 0, MeasuredJson.From(w))], MeasuredJson.From(w),
            [new SwitchJson(DateTimeOffset.UnixEpoch, 21.5, 1, 4, 790, "rate above band")], null));

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(10, root.GetProperty("phases")[0].GetProperty("measured").GetProperty("sent").GetInt32());
        Assert.Equal(0, root.GetProperty("overall").GetProperty("noAnswer").GetInt32());
        Assert.Equal(4, root.GetProperty("switches")[0].GetProperty("to").GetInt32());
        Assert.Equal(21.5, root.GetProperty("switches")[0].GetProperty("secondsFromStart").GetDouble());
    }
}
