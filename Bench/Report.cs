using System.Globalization;

namespace Gearbox.Bench;

/// <summary>Prints the run's figures; every number comes from this run's measurements.</summary>
public static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Http(HttpFigures h, BenchOptions o, double rate, string scoredAs)
    {
        Console.WriteLine();
        Console.WriteLine($"HTTP  {o.Target} pipeline '{o.Pipeline}', Poisson {rate.ToString(Invariant)}/s for {o.DurationSeconds.ToString(Invariant)} s, slo_ms {o.SloMs.ToString(Invariant)}");
        Console.WriteLine($"  sent            {h.Sent} requests (offered {F(h.OfferedRate, 1)}/s)");
        Console.WriteLine($"  served (200)    {h.Ok}  = {F(h.ServedRate, 1)}/s over the run's wall time");
        Console.WriteLine($"  drops (504)     {h.Drops}");
        Console.WriteLine($"  other errors    {h.OtherErrors.Values.Sum()}");
        foreach (var (what, count) in h.OtherErrors.OrderByDescending(e => e.Value)) Console.WriteLine($"    {count,8}  {what}");
        Console.WriteLine($"  latency ms (200s, from send to full response)  p50 {F(h.OkLatency.P50)}  p95 {F(h.OkLatency.P95)}  p99 {F(h.OkLatency.P99)}  max {F(h.OkLatency.Max)}");
        Console.WriteLine($"  SLO attainment  {P(h.SloAttainment)} of sent requests answered 200 within {o.SloMs.ToString(Invariant)} ms");
        Console.WriteLine($"  accuracy        {P(h.Accuracy.Accuracy)} ({h.Accuracy.Correct}/{h.Accuracy.Slots} {scoredAs} of 200 answers)");
        Console.WriteLine($"  send lag ms     p99 {F(h.SendLag.P99)}  max {F(h.SendLag.Max)} (load generator behind its schedule; latency is measured from the actual send)");
    }

    public static void Engine(EngineFigures e, EnginePipeline engine, string thresholdSource, string scoredAs)
    {
        var first = engine.Engines.First();
        Console.WriteLine();
        Console.WriteLine($"ENGINE in-process: {string.Join(", ", engine.Engines.Select(x => x.Spec.Name))} on {first.Device}, {first.Threads} intra-op thread(s) each");
        Console.WriteLine($"  cascade {string.Join("→", engine.Cascade.Models)} thresholds [{string.Join(", ", engine.Thresholds.Select(t => t.ToString(Invariant)))}] ({thresholdSource})");
        Console.WriteLine($"  one image at a time ({e.SingleImage.Count} runs)  p50 {F(e.SingleImage.P50)}  p95 {F(e.SingleImage.P95)}  p99 {F(e.SingleImage.P99)} ms");
        if (e.Paced is { } paced)
            Console.WriteLine($"  paced at {F(e.PacedRate, 1)}/s ({paced.Count} runs)  p50 {F(paced.P50)}  p95 {F(paced.P95)}  p99 {F(paced.P99)} ms   (idle between images, as the served path at that rate)");
        Console.WriteLine($"  max throughput  {F(e.MaxThroughput, 1)} images/s (batches of {e.Batch}, {e.Concurrency} in flight, {e.ThroughputItems} images)");
        Console.WriteLine($"  accuracy        {P(e.Accuracy.Accuracy)} ({e.Accuracy.Correct}/{e.Accuracy.Slots} {scoredAs})");
    }

    /// <summary>The server's runtime during one step (from its /metrics), or why there is none.</summary>
    public static void Runtime(RuntimeFigures r)
    {
        if (!r.Any)
        {
            Console.WriteLine("  server runtime  n/a (no System.Runtime figures in the server's /metrics)");
            return;
        }
        Console.WriteLine($"  server runtime  allocated {F(r.AllocatedKbPerRequest, 1)} KB/req  CPU {F(r.CpuMsPerRequest)} ms/req  GC gen0/1/2 {N(r.Gen0Collections)}/{N(r.Gen1Collections)}/{N(r.Gen2Collections)}" +
            $"  GC pause {F(r.GcPauseMs, 1)} ms  lock contentions {N(r.LockContentions)}");
        Console.WriteLine($"                  thread pool: {F(r.WorkItemsPerRequest, 1)} work items/req, queue max {N(r.QueueMax)} mean {F(r.QueueMean, 1)}, threads max {N(r.ThreadsMax)}" +
            $" ({r.Polls} polls of /metrics during the step, plus before and after)");
    }

    /// <summary>A sweep without runtime readings (the --scale-out clusters): those columns read n/a.</summary>
    public static void Sweep(IReadOnlyList<HttpFigures> runs, double sloMs) =>
        Sweep(runs.Select(h => new SweepStep(h.OfferedRate, h, RuntimeFigures.None)).ToArray(), sloMs);

    public static void Sweep(IReadOnlyList<SweepStep> steps, double sloMs)
    {
        var runs = steps.Select(s => s.Http).ToArray();
        Console.WriteLine();
        Console.WriteLine($"SWEEP  (SLO attainment: share of sent requests answered 200 within {sloMs.ToString(Invariant)} ms; server: its runtime during the step)");
        Console.WriteLine($"{"offered /s",12}{"served /s",12}{"drops",8}{"errors",8}{"p50 ms",9}{"p99 ms",9}{"SLO att.",10}" +
            $"{"KB/req",9}{"CPU ms/req",11}{"gc0/1/2",10}{"pause ms",10}{"queue max",10}{"mean",7}{"threads",8}{"locks",8}");
        foreach (var s in steps)
        {
            var (h, r) = (s.Http, s.Runtime);
            Console.WriteLine($"{F(h.OfferedRate, 1),12}{F(h.ServedRate, 1),12}{h.Drops,8}{h.OtherErrors.Values.Sum(),8}{F(h.OkLatency.P50),9}{F(h.OkLatency.P99),9}{P(h.SloAttainment),10}" +
                $"{F(r.AllocatedKbPerRequest, 1),9}{F(r.CpuMsPerRequest),11}{(r.Gen0Collections is null ? "n/a" : $"{N(r.Gen0Collections)}/{N(r.Gen1Collections)}/{N(r.Gen2Collections)}"),10}{F(r.GcPauseMs, 1),10}" +
                $"{N(r.QueueMax),10}{F(r.QueueMean, 1),7}{N(r.ThreadsMax),8}{N(r.LockContentions),8}{(s.GeneratorBound ? "  generator-bound" : "")}");
        }
        var peak = SweepPeak.Find(runs);
        Console.WriteLine(peak is null
            ? $"  no rate held {P(SweepPeak.MinAttainment)} SLO attainment: lower the rates."
            : $"  peak goodput holding the SLO ({P(SweepPeak.MinAttainment)}+ attainment): {F(peak.ServedRate, 1)}/s at {F(peak.OfferedRate, 1)}/s offered");
        if (steps.Any(s => s.GeneratorBound))
            Console.WriteLine($"  generator-bound: the load generator fell behind its schedule (send lag p99 > {GeneratorLag.P99LimitMs} ms); such a step never counts as the peak");
        if (peak is not null)
        {
            var misses = SweepPeak.MissesBelowPeak(runs, peak);
            Console.WriteLine(misses.Count == 0
                ? $"  no drops below {SweepPeak.SteadyShare * 100:F0}% of peak: every step offered ≤ {F(SweepPeak.SteadyShare * peak.ServedRate, 1)}/s held the SLO"
                : $"  drops below {SweepPeak.SteadyShare * 100:F0}% of peak ({F(SweepPeak.SteadyShare * peak.ServedRate, 1)}/s): " +
                  string.Join(", ", misses.Select(m => $"{F(m.OfferedRate, 1)}/s at {P(m.SloAttainment)}")));
        }
    }

    /// <param name="lowest">The lowest-rate run: its latency is the low-load figure.</param>
    /// <param name="peak">The highest served rate that held the SLO, when the runs found one.</param>
    /// <param name="saturated">Some run did not hold the SLO, so the peak is bracketed from above.</param>
    public static void SideBySide(HttpFigures lowest, HttpFigures? peak, bool saturated, EngineFigures e, AccuracyScore engineOnSameImages)
    {
        Console.WriteLine();
        Console.WriteLine($"{"",-22}{"HTTP+Orleans",14}{"engine alone",14}");
        Console.WriteLine($"{"p50 latency ms",-22}{F(lowest.OkLatency.P50),14}{F(e.SingleImage.P50),14}   (HTTP at {F(lowest.OfferedRate, 1)}/s offered)");
        Console.WriteLine($"{"p95 latency ms",-22}{F(lowest.OkLatency.P95),14}{F(e.SingleImage.P95),14}");
        Console.WriteLine($"{"p99 latency ms",-22}{F(lowest.OkLatency.P99),14}{F(e.SingleImage.P99),14}");
        var served = peak ?? lowest;
        Console.WriteLine($"{"throughput /s",-22}{F(served.ServedRate, 1),14}{F(e.MaxThroughput, 1),14}   (HTTP: {(peak is null ? "served at the lowest rate" : "peak goodput holding the SLO")})");
        Console.WriteLine($"{"accuracy, same images",-22}{P(lowest.Accuracy.Accuracy),14}{P(engineOnSameImages.Accuracy),14}   ({lowest.Accuracy.Slots} answered by HTTP at the lowest rate; the engine run on exactly those)");
        Console.WriteLine();
        Console.WriteLine($"  p50 HTTP − p50 engine          {F(lowest.OkLatency.P50 - e.SingleImage.P50)} ms   (target ≤ 1 ms at low load)");
        Console.WriteLine($"  HTTP throughput / engine max   {F(served.ServedRate / e.MaxThroughput)}     (target ≥ 0.90 at saturation)");
        // Say which reading each ratio deserves in this run, rather than let a number pose as the other.
        if (SweepPeak.FellBehind(lowest))
            Console.WriteLine($"  the lowest rate was already saturated (served {F(lowest.ServedRate, 1)}/s of {F(lowest.OfferedRate, 1)}/s offered): the latency gap is not a low-load figure.");
        if (!saturated)
            Console.WriteLine($"  every run held the SLO: the throughput ratio only shows the offered load, a lower bound — sweep higher rates (--rate a,b,c) to find the peak.");
        else if (peak is null)
            Console.WriteLine($"  no run held the SLO: the throughput ratio shows what was served overloaded — add lower rates to the sweep.");
    }

    /// <summary>The protocols side by side, each against the engine alone measured in the same run.</summary>
    public static void Protocols(IReadOnlyList<ProtocolComparison> protocols, EngineFigures? engine)
    {
        Console.WriteLine();
        Console.WriteLine("PROTOCOLS  (p50 at the lowest rate; peak: highest served rate holding the SLO at " + P(SweepPeak.MinAttainment) + "+ attainment)");
        Console.WriteLine($"{"protocol",-10}{"p50 ms",9}{"p99 ms",9}{"p50 − engine",14}{"− paced",9}{"peak /s",10}{"peak / engine",15}");
        foreach (var c in protocols)
        {
            var lowest = c.Lowest;
            Console.WriteLine($"{c.Protocol.ToString().ToLowerInvariant() + (c.Sweep.Run > 1 ? $" #{c.Sweep.Run}" : ""),-10}{F(lowest.OkLatency.P50),9}{F(lowest.OkLatency.P99),9}{F(c.P50OverheadMs),14}{F(c.P50OverheadPacedMs),9}" +
                $"{(c.Peak is null ? "none" : F(c.Peak.ServedRate, 1)),10}{F(c.PeakOverEngine),15}{(c.Saturated ? "" : "   (never saturated: peak is a lower bound)")}");
        }
        if (engine is not null)
            Console.WriteLine($"{"engine",-10}{F(engine.SingleImage.P50),9}{F(engine.SingleImage.P99),9}{"",14}{"",9}{F(engine.MaxThroughput, 1),10}" +
                (engine.Paced is { } paced ? $"   (paced at {F(engine.PacedRate, 1)}/s: p50 {F(paced.P50)}, p99 {F(paced.P99)})" : ""));
        Console.WriteLine("  p50 − engine: over the engine back to back (hot); − paced: over the engine at the lowest rate's pace (idle between images, as the served path)");
        Console.WriteLine("  targets (issue 13): p50 overhead ≤ 1.0 ms JSON, ≤ 0.5 ms gRPC; peak / engine ≥ 0.85 fashion over gRPC, ≥ 0.7 fashion-grid");
    }

    /// <summary>Per protocol, each repetition's peak, peak / engine and p50, and the peaks' spread against ±10 %.</summary>
    public static void Repeats(IReadOnlyList<ProtocolComparison> comparisons, IReadOnlyList<BenchProtocol> protocols)
    {
        Console.WriteLine();
        Console.WriteLine($"REPEATS  (spread = (max − min) / mean of the peaks; target: every run's peak within ±{RunSpread.Tolerance * 100:F0}% of the mean)");
        Console.WriteLine($"{"protocol",-10}{"run",5}{"seed",7}{"peak /s",10}{"peak / engine",15}{"p50 ms",9}{"drops < 80% peak",18}{"saturated",11}");
        foreach (var protocol in protocols)
        {
            var runs = comparisons.Where(c => c.Protocol == protocol).ToArray();
            foreach (var c in runs)
                Console.WriteLine($"{protocol.ToString().ToLowerInvariant(),-10}{c.Sweep.Run,5}{c.Sweep.Seed,7}{(c.Peak is null ? "none" : F(c.PeakGoodput, 1)),10}" +
                    $"{F(c.PeakOverEngine),15}{F(c.Lowest.OkLatency.P50),9}{(c.Peak is null ? "n/a" : c.MissesBelowPeak.Count.ToString(Invariant)),18}{(c.Saturated ? "yes" : "no"),11}");
            var spread = RunSpread.Of(runs.Select(r => r.PeakGoodput).ToArray());
            var unsaturated = runs.Count(r => !r.Saturated);
            Console.WriteLine($"  {protocol.ToString().ToLowerInvariant()}: peak {F(spread.Min, 1)}–{F(spread.Max, 1)}/s, mean {F(spread.Mean, 1)}, spread {P(spread.Spread)}: " +
                (spread.WithinTolerance ? $"within ±{RunSpread.Tolerance * 100:F0}%" : double.IsNaN(spread.Spread) ? "undefined (a run found no peak)" : $"NOT within ±{RunSpread.Tolerance * 100:F0}%") +
                (unsaturated > 0 ? $"; {unsaturated} run(s) never saturated, so their peak is only the highest rate offered (sweep higher: --rate-up)" : ""));
        }
    }

    private static string F(double? value, int decimals = 2) => value is { } v ? F(v, decimals) : "n/a";

    private static string N(double? value) => value is { } v ? v.ToString("F0", Invariant) : "n/a";

    private static string F(double value, int decimals = 2) =>
        double.IsNaN(value) ? "n/a" : value.ToString("F" + decimals, Invariant);

    private static string P(double fraction) => double.IsNaN(fraction) ? "n/a" : (fraction * 100).ToString("F2", Invariant) + "%";
}
