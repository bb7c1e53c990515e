using System.Text.Json;
using Gearbox.Bench;

namespace Gearbox.Tests.Bench;

public class TraceCompareTests
{
    private static readonly int[][] Truths = Enumerable.Range(0, 10).Select(i => new[] { i }).ToArray();

    /// <summary>A system that answered <paramref name="ok"/> of <paramref name="sent"/> requests right, at the given latencies (cycled), the rest 504.</summary>
    private static SystemResult Ran(string name, int sent, int ok, double[] latencies, double? deviceSeconds, int? switches, int wrong = 0, int noAnswer = 0)
    {
        var outcomes = new List<RequestOutcome>();
        for (var k = 0; k < sent; k++)
        {
            var image = k % 10;
            if (k < ok) outcomes.Add(new RequestOutcome(image, 200, latencies[k % latencies.Length], 0, [k < wrong ? (image + 1) % 10 : image], null));
            else if (k < ok + noAnswer) outcomes.Add(new RequestOutcome(image, 0, 10_000, 0, null, "timeout"));
            else outcomes.Add(new RequestOutcome(image, 504, 50, 0, null, null));
        }
        var figures = WindowFigures.From(outcomes, Truths, 10, sloMs: 50);
        return new SystemResult(name, SystemStatus.Ran, null, name, figures, deviceSeconds, switches, [], [], []);
    }

    [Fact]
    public void Baselines_are_compared_to_gears_as_ratios_and_differences()
    {
        var gears = Ran("gears", 100, 100, [10], deviceSeconds: 200, switches: 4);
        var stat = Ran("static", 100, 90, [20], deviceSeconds: 600, switches: 0, wrong: 9);

        var vs = VsGears.Of(stat, gears);

        Assert.Equal(3.0, vs.DeviceSecondsRatio!.Value, 9);
        Assert.Equal(2.0, vs.P99Ratio!.Value, 9);
        Assert.Equal(-0.10, vs.AttainmentDifference!.Value, 9); // 90 % − 100 %
        Assert.Equal(-0.10, vs.AccuracyDifference!.Value, 9);   // 81/90 − 100/100
    }

    [Fact]
    public void A_figure_either_side_lacks_gives_no_ratio()
    {
        var gears = Ran("gears", 100, 100, [10], deviceSeconds: null, switches: null);
        var reactive = Ran("reactive", 100, 0, [10], deviceSeconds: 50, switches: 7);
        var zero = Ran("gears", 100, 100, [10], deviceSeconds: 0, switches: 0);

        var vs = VsGears.Of(reactive, gears);

        Assert.Null(vs.DeviceSecondsRatio);
        Assert.Null(vs.P99Ratio);                       // no 200s, no p99
        Assert.Equal(-1.0, vs.AttainmentDifference!.Value, 9);
        Assert.Null(vs.AccuracyDifference);
        Assert.Null(VsGears.Of(reactive, zero).DeviceSecondsRatio); // nothing to divide by
    }

    [Fact]
    public void Ratios_need_gears_to_have_run()
    {
        var systems = new[]
        {
            SystemResult.NotRun("gears", SystemStatus.Unsupported, "Gearbox:Control:Mode must be ..."),
            Ran("static", 10, 10, [5], 10, 0),
        };

        Assert.Empty(VsGears.ForAll(systems));
        Assert.Contains("no ratios: 'gears' did not run", CompareTable.Format(LoadTraces.ParseCsv("0,10\n", "t.csv"), 50, systems));
    }

    [Fact]
    public void The_table_has_a_row_per_system_and_the_ratios_to_gears()
    {
        var trace = LoadTraces.ParseCsv("0,100\n1,300\n", "t.csv");
        var systems = new[]
        {
            Ran("gears", 200, 200, [5, 10, 20], 100, 3),
            Ran("static", 200, 190, [5, 10, 40], 400, 0, noAnswer: 4),
            SystemResult.NotRun("reactive", SystemStatus.Unsupported, "Gearbox:Control:Mode must be 'auto' or 'static', not 'reactive'."),
            Ran("switching", 200, 200, [5, 10, 20], null, null),
        };

        var table = CompareTable.Format(trace, 50, systems);
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.Contains("TRACE 't.csv': 2 s, mean 200.0 req/s, peak 300.0 req/s; SLO 50.0 ms", table);
        Assert.Contains(lines, l => l.StartsWith("gears") && l.Contains("100.00%") && l.Contains("100.0") && l.EndsWith(" 0"));
        var stat = lines.First(l => l.StartsWith("static "));
        Assert.Contains("95.00%", stat);   // 190 of 200 within the SLO
        Assert.Contains("400.0", stat);
        Assert.EndsWith(" 4", stat);       // no answer
        Assert.Contains("reactive    unsupported by this server: Gearbox:Control:Mode must be", table);
        Assert.Contains(lines, l => l.StartsWith("switching") && l.Contains("n/a"));
        var ratio = lines.Last(l => l.StartsWith("static"));
        Assert.Equal(["static", "4.00", "2.00", "n/a", "-5.00", "pt", "0.00", "pt"], ratio.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(lines, l => l.StartsWith("switching") && l.Contains("n/a") && l.Contains("0.00 pt"));
        Assert.DoesNotContain(lines, l => l.StartsWith("reactive") && l.Contains("pt"));
    }

    [Fact]
    public void The_json_has_the_trace_and_one_entry_per_system()
    {
        var trace = LoadTraces.Bursty(60, 100, 1);
        var systems = new[]
        {
            Ran("gears", 100, 99, [5, 10], 120.5, 2, noAnswer: 1),
            Ran("static", 100, 100, [5, 30], 240, 0),
            SystemResult.NotRun("reactive", SystemStatus.Unsupported, "refused"),
        };

        var json = BenchJson.Serialize(TraceCompareJson.From(trace, "fashion", 50, 1, systems, DateTimeOffset.UnixEpoch));
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        var t = root.GetProperty("trace");
        Assert.Equal("bursty", t.GetProperty("name").GetString());
        Assert.Equal(60, t.GetProperty("seconds").GetInt32());
        Assert.Equal(Math.Round(trace.MeanRate, 4), t.GetProperty("meanRate").GetDouble());
        Assert.Equal(100, t.GetProperty("peakRate").GetDouble());
        var list = root.GetProperty("systems").EnumerateArray().ToArray();
        Assert.Equal(["gears", "static", "reactive"], list.Select(s => s.GetProperty("name").GetString()));
        foreach (var field in new[] { "name", "sent", "ok", "sloAttainment", "p50Ms", "p99Ms", "maxMs", "accuracy", "deviceSeconds", "switches", "noAnswer" })
            Assert.All(list, s => Assert.True(s.TryGetProperty(field, out _), $"systems[].{field} missing"));
        var gears = list[0];
        Assert.Equal(100, gears.GetProperty("sent").GetInt32());
        Assert.Equal(99, gears.GetProperty("ok").GetInt32());
        Assert.Equal(0.99, gears.GetProperty("sloAttainment").GetDouble());
        Assert.Equal(10, gears.GetProperty("p99Ms").GetDouble());
        Assert.Equal(1.0, gears.GetProperty("accuracy").GetDouble());
        Assert.Equal(120.5, gears.GetProperty("deviceSeconds").GetDouble());
        Assert.Equal(2, gears.GetProperty("switches").GetInt32());
        Assert.Equal(1, gears.GetProperty("noAnswer").GetInt32());
        Assert.Equal(JsonValueKind.Null, gears.GetProperty("vsGears").ValueKind);
        Assert.Equal(Math.Round(240 / 120.5, 4), list[1].GetProperty("vsGears").GetProperty("deviceSecondsRatio").GetDouble());
        Assert.Equal(3, list[1].GetProperty("vsGears").GetProperty("p99Ratio").GetDouble());
        Assert.Equal(JsonValueKind.Null, gears.GetProperty("burstP99Ms").ValueKind); // these systems carry no burst figures
        var reactive = list[2];
        Assert.Equal("unsupported", reactive.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, reactive.GetProperty("sent").ValueKind);
        Assert.Equal(JsonValueKind.Null, reactive.GetProperty("deviceSeconds").ValueKind);
    }

    [Fact]
    public void Burst_figures_count_only_the_requests_sent_in_burst_seconds()
    {
        // Seconds 0-9, one burst at seconds 4-5: base requests answer in 5 ms, burst ones in 80 ms
        // (beyond the 50 ms SLO) except one 504.
        var outcomes = new List<RequestOutcome>();
        var secondOf = new List<int>();
        for (var second = 0; second < 10; second++)
            for (var k = 0; k < 10; k++)
            {
                var burst = second is 4 or 5;
                outcomes.Add(burst && second == 5 && k == 0
                    ? new RequestOutcome(0, 504, 50, 0, null, null)
                    : new RequestOutcome(0, 200, burst ? 80 : 5, 0, [0], null));
                secondOf.Add(second);
            }

        var bursts = BurstFigures.From(outcomes, secondOf, [new TraceBurst(4, 2)], sloMs: 50)!;

        Assert.Equal(20, bursts.Sent);
        Assert.Equal(0.0, bursts.Attainment);
        Assert.Equal(80, bursts.P99Ms);
        Assert.Null(BurstFigures.From(outcomes, secondOf, [], sloMs: 50)); // a trace without bursts
    }

    [Fact]
    public void The_burst_p99_ratio_compares_the_bursts_only()
    {
        var gears = Ran("gears", 100, 100, [10], 100, 1);
        var reactive = Ran("reactive", 100, 100, [10], 100, 1);

        var vs = VsGears.Of(reactive with { Bursts = new BurstFigures(20, 1, 120) }, gears with { Bursts = new BurstFigures(20, 1, 30) });

        Assert.Equal(4.0, vs.BurstP99Ratio!.Value, 9);
        Assert.Equal(1.0, vs.P99Ratio!.Value, 9);
        Assert.Null(VsGears.Of(reactive, gears).BurstP99Ratio);
    }

    [Fact]
    public void Each_second_gets_the_p99_of_its_200s_and_its_count()
    {
        RequestOutcome Ok(double ms) => new(0, 200, ms, 0, [0], null);
        RequestOutcome[] outcomes = [Ok(5), Ok(7), new(0, 504, 50, 0, null, null), Ok(30), new(0, 0, 10_000, 0, null, "timeout")];
        int[] second = [0, 0, 0, 2, 2];

        var (p99, sent) = TraceRuns.PerSecond(outcomes, second, 3);

        Assert.Equal([3, 0, 2], sent);
        Assert.Equal(7, p99[0]);
        Assert.True(double.IsNaN(p99[1]));
        Assert.Equal(30, p99[2]);
    }

    [Fact]
    public void The_server_is_started_with_its_mode_its_ports_and_for_static_the_peak()
    {
        var launch = new ServerLaunch("/x/Gearbox.Silo.dll", "static", 412.5, "/data");

        var args = ServerProcess.ArgumentsFor(launch, 8081, 11112, 30001);

        Assert.Equal(["/x/Gearbox.Silo.dll", "--port", "8081", "--Gearbox:Control:Mode", "static", "--Gearbox:Control:PeakLoad", "412.5",
            "--Gearbox:Cluster:SiloPort", "11112", "--Gearbox:Cluster:GatewayPort", "30001"], args);
        Assert.DoesNotContain("--Gearbox:Control:PeakLoad", ServerProcess.ArgumentsFor(launch with { Mode = "gears", PeakLoad = null }, 1, 2, 3));
        Assert.Equal(["gears", "auto"], TraceRuns.ServerModesFor("gears"));
        Assert.Equal(["reactive"], TraceRuns.ServerModesFor("reactive"));
        Assert.Equal(3, ServerProcess.FreePorts(3).Distinct().Count());
    }

    [Fact]
    public void A_server_that_refuses_its_mode_is_recognised_from_its_output()
    {
        string[] output =
        [
            "Unhandled exception. System.InvalidOperationException: Gearbox:Control:Mode must be 'auto' or 'static', not 'reactive'.",
            "   at Gearbox.Silo.GearboxSilo.ControlOptions(IConfiguration configuration)",
        ];

        Assert.Equal("Gearbox:Control:Mode must be 'auto' or 'static', not 'reactive'.", ServerProcess.ModeRejection(output));
        Assert.Null(ServerProcess.ModeRejection(["Unhandled exception. System.IO.IOException: Failed to bind to address http://127.0.0.1:8080"]));
    }

    [Fact]
    public void The_timeline_is_an_svg_with_every_system()
    {
        var trace = LoadTraces.Diurnal(20, 100, 1);
        var gears = Ran("gears", 50, 50, [5, 10], 30, 1) with
        {
            P99PerSecond = Enumerable.Range(0, 20).Select(i => i == 3 ? double.NaN : 10.0 + i).ToArray(),
            SentPerSecond = Enumerable.Range(0, 20).ToArray(),
            Samples = Enumerable.Range(0, 20).Select(i => new GearSample(i, i / 5, 1 + i / 10, i)).ToArray(),
        };
        var stat = Ran("static", 50, 50, [5], null, null) with { Samples = [new GearSample(0, null, null, null)] };

        var svg = TraceChart.Svg(trace, 50, [gears, stat, SystemResult.NotRun("reactive", SystemStatus.Unsupported, "no")]);

        Assert.StartsWith("<?xml", svg);
        Assert.Contains("<svg", svg);
        Assert.Contains("gears", svg);
        Assert.Contains("static", svg);
        Assert.Contains("reactive: unsupported", svg);
        Assert.Contains("p99 ms", svg);
        Assert.Contains("devices held", svg);
        Assert.Contains("</svg>", svg);
    }
}
