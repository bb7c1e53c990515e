using System.Globalization;

namespace Gearbox.Bench;

/// <summary>Prints the run's figures; every number comes from this run's measurements.</summary>
public static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Http(HttpFigures h, BenchOptions o, string scoredAs)
    {
        Console.WriteLine();
        Console.WriteLine($"HTTP  {o.Target} pipeline '{o.Pipeline}', Poisson {o.Rate.ToString(Invariant)}/s for {o.DurationSeconds.ToString(Invariant)} s, slo_ms {o.SloMs.ToString(Invariant)}");
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
        Console.WriteLine($"  max throughput  {F(e.MaxThroughput, 1)} images/s (batches of {e.Batch}, {e.Concurrency} in flight, {e.ThroughputItems} images)");
        Console.WriteLine($"  accuracy        {P(e.Accuracy.Accuracy)} ({e.Accuracy.Correct}/{e.Accuracy.Slots} {scoredAs})");
    }

    public static void SideBySide(HttpFigures h, EngineFigures e, AccuracyScore engineOnSameImages)
    {
        Console.WriteLine();
        Console.WriteLine($"{"",-22}{"HTTP+Orleans",14}{"engine alone",14}");
        Console.WriteLine($"{"p50 latency ms",-22}{F(h.OkLatency.P50),14}{F(e.SingleImage.P50),14}");
        Console.WriteLine($"{"p95 latency ms",-22}{F(h.OkLatency.P95),14}{F(e.SingleImage.P95),14}");
        Console.WriteLine($"{"p99 latency ms",-22}{F(h.OkLatency.P99),14}{F(e.SingleImage.P99),14}");
        Console.WriteLine($"{"throughput /s",-22}{F(h.ServedRate, 1),14}{F(e.MaxThroughput, 1),14}");
        Console.WriteLine($"{"accuracy, same images",-22}{P(h.Accuracy.Accuracy),14}{P(engineOnSameImages.Accuracy),14}   ({h.Accuracy.Slots} answered by HTTP; the engine run on exactly those)");
        Console.WriteLine();
        Console.WriteLine($"  p50 HTTP − p50 engine          {F(h.OkLatency.P50 - e.SingleImage.P50)} ms   (target ≤ 1 ms at low load)");
        Console.WriteLine($"  HTTP throughput / engine max   {F(h.ServedRate / e.MaxThroughput)}     (target ≥ 0.90 at saturation)");
        // Say which reading each ratio deserves in this run, rather than let a number pose as the other.
        // Saturated: the gateway served clearly less than was offered (drops alone can be noise at low load).
        var saturated = h.ServedRate < 0.9 * h.OfferedRate;
        Console.WriteLine(saturated
            ? $"  this run was saturated (served {F(h.ServedRate, 1)}/s of {F(h.OfferedRate, 1)}/s offered, {h.Drops} drops): the throughput ratio is the saturation figure; the latency gap is not a low-load one."
            : $"  this run was not saturated (served ≈ offered {F(h.OfferedRate, 1)}/s): the latency gap is the low-load figure; the throughput ratio only shows the offered load — rerun with --rate above {F(e.MaxThroughput, 0)} for saturation.");
    }

    private static string F(double value, int decimals = 2) =>
        double.IsNaN(value) ? "n/a" : value.ToString("F" + decimals, Invariant);

    private static string P(double fraction) => double.IsNaN(fraction) ? "n/a" : (fraction * 100).ToString("F2", Invariant) + "%";
}
