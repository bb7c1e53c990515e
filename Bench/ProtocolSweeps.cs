namespace Gearbox.Bench;

/// <summary>One step of a rate sweep: the rate asked for, what the clients measured and what the server's runtime did meanwhile.</summary>
public sealed record SweepStep(double Rate, HttpFigures Http, RuntimeFigures Runtime)
{
    public bool GeneratorBound => SweepPeak.GeneratorBound(Http);
}

/// <summary>One protocol's sweep in one repetition (<paramref name="Run"/> from 1) and why a saturating ladder stopped, if it did.</summary>
public sealed record SweepRun(BenchProtocol Protocol, int Run, int Seed, IReadOnlyList<SweepStep> Steps, string? StopReason);

/// <summary>
/// The rate sweep against --target: --runs times, each protocol in turn, each rate of the ladder, with the
/// server's runtime figures read around (and polled during) every step.
/// </summary>
public static class ProtocolSweeps
{
    public static async Task<List<SweepRun>> RunAsync(BenchOptions options, BenchImages images, string scoredAs)
    {
        var all = new List<SweepRun>();
        using var sampler = new RuntimeSampler(options.Target, options.RuntimePoll);
        if (await sampler.ReadAsync() is null)
            Console.WriteLine($"note: {options.Target}metrics has no .NET runtime figures (System.Runtime meter): the server columns read n/a");
        for (var run = 1; run <= options.Runs; run++)
        {
            var seed = options.Seed + run - 1; // each repetition its own arrivals, reproducible from --seed
            foreach (var protocol in options.Protocols)
            {
                var sender = RequestSenders.Create(protocol, options.Target, options.GrpcTarget!, options.Pipeline, images, options.SloMs, TimeSpan.FromSeconds(options.TimeoutSeconds));
                using var load = new HttpLoadRun(sender, images);
                Console.WriteLine();
                Console.WriteLine($"=== {protocol.ToString().ToUpperInvariant()} {(protocol == BenchProtocol.Grpc ? options.GrpcTarget : options.Target)}" +
                    (options.Runs > 1 ? $"   run {run}/{options.Runs}, seed {seed}" : ""));
                await GatewayCheck.WarmUpAsync(load, options);
                var steps = new List<SweepStep>();
                string? stopped = null;
                for (var k = 0; options.Ladder.RateAt(k) is { } rate; k++)
                {
                    if (steps.Count > 0 || all.Count > 0) await Task.Delay(TimeSpan.FromSeconds(2)); // let the previous step's backlog clear
                    var schedule = PoissonSchedule.OffsetsMs(rate, options.DurationSeconds, options.MaxRequests, seed);
                    Console.WriteLine($"sending {schedule.Length} {protocol} requests over {options.DurationSeconds} s at {rate}/s ...");
                    var (result, runtime) = await sampler.MeasureAsync(() => load.RunAsync(schedule), r => r.Outcomes.Length);
                    var figures = HttpFigures.From(result, images, options.DurationSeconds, options.SloMs);
                    Report.Http(figures, options, rate, scoredAs);
                    Report.Runtime(runtime);
                    steps.Add(new SweepStep(rate, figures, runtime));
                    if (options.Ladder.StopReason(steps.Select(s => s.Http).ToArray()) is { } reason)
                    {
                        stopped = reason;
                        Console.WriteLine($"  ladder stops: {reason}");
                        break;
                    }
                }
                if (steps.Count > 1) Report.Sweep(steps, options.SloMs);
                all.Add(new SweepRun(protocol, run, seed, steps, stopped));
            }
        }
        return all;
    }
}
