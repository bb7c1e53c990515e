using Gearbox.Contracts.Planning;
using Gearbox.Planning;

namespace Gearbox.Cli.Commands;

/// <summary>A gear plan as a fixed-width table: one row per gear, models in serving order.</summary>
public static class PlanTable
{
    public static void Print(GearPlan plan, PipelineModel model, TextWriter output)
    {
        var r = plan.Request;
        var units = model.Units;
        var thresholded = model.Estimator.Models[..^1];
        output.WriteLine($"Gear plan for '{r.Pipeline}': p99 ≤ {r.SloMs} ms, accuracy ≥ {r.MinAccuracy:0.###}, {r.Devices} devices × {r.CostPerDevice} " +
                         $"— ceiling {plan.Ceiling:0.#} req/s, planned in {plan.PlanningMs:0.#} ms");
        output.WriteLine($"models: {string.Join(" → ", units)}; thresholds for {string.Join(", ", thresholded)}; replicas and max batch in model order");
        output.WriteLine($"{"gear",4} {"load (req/s)",17} {"thresholds",-17} {"replicas",-12} {"threads",-9} {"max batch",-14} {"accuracy",8} {"p99 est",8} {"p99 sim",8} {"in SLO",8} {"cpu",5} {"cost",6}");
        foreach (var g in plan.Gears)
        {
            var load = $"{g.MinLoad:0.#}–{g.MaxLoad:0.#}";
            var thresholds = string.Join("/", thresholded.Select(m => g.Thresholds[m] >= CascadeEstimator.ForwardAll ? "all" : g.Thresholds[m].ToString("0.000")));
            var replicas = string.Join("/", units.Select(u => g.Replicas[u]));
            var batches = string.Join("/", units.Select(u => g.MaxBatch[u]));
            var threads = string.Join("/", units.Select(g.ThreadsOf));
            var cpu = g.CpuCores is { } c ? c.ToString("0.00") : "n/a";
            output.WriteLine($"{g.Index,4} {load,17} {thresholds,-17} {replicas,-12} {threads,-9} {batches,-14} {g.PredictedAccuracy,8:P2} {g.PredictedP99Ms,8:0.0} " +
                             $"{g.SimulatedP99Ms,8:0.0} {g.SimulatedAttainment,8:P2} {cpu,5} {g.Cost,6:0.##}");
        }
        output.WriteLine("('all' = the model forwards every item; threads per replica; p99 est includes the serving path's added latency; p99 sim and in SLO: " +
                         "discrete-event check at the band's top load, Poisson arrivals; cpu: cores busy at the band's top, replicas + serving path)");
        foreach (var note in plan.Notes) output.WriteLine($"note: {note}");
    }
}
