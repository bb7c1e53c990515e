using System.Diagnostics;
using Gearbox.Contracts.Planning;

namespace Gearbox.Planning.Baselines;

/// <summary>
/// Plans for the baselines Gearbox is judged against (CascadeServe's), made from the same profiles and
/// search as a gear plan so that only the policy differs: a static cascade sized for the peak, and
/// model switching (one model at a time, chosen per load band).
/// </summary>
public static class BaselinePlans
{
    /// <summary>
    /// One gear for (0, <paramref name="peak"/>]: the most accurate threshold vector meeting the floor that
    /// the budget can provision for the peak, with the fewest devices that hold it there.
    /// </summary>
    public static GearPlan Static(PipelineModel model, PlanRequest request, double peak)
    {
        var clock = Stopwatch.StartNew();
        var planner = new GearPlanner(model, new PlannerOptions(CheckWithSimulator: false));
        var front = ParetoFront.Build(model, request.MinAccuracy);
        foreach (var point in front.OrderByDescending(p => p.Outcome.Accuracy))
        {
            if (planner.Choose(peak, [point], request.SloMs, request.Devices, null) is not { } choice) continue;
            var gear = planner.ToGear(0, 0, peak, choice, request, null);
            return new GearPlan(1, DateTimeOffset.UtcNow, request with { MaxLoad = peak, Bands = 1 }, [gear], peak, clock.Elapsed.TotalMilliseconds,
                [$"Static baseline: the most accurate cascade meeting accuracy ≥ {request.MinAccuracy:0.###} that {request.Devices} device(s) hold at the peak of {peak:0.#} req/s; it never changes."]);
        }
        throw new PlanningImpossibleException($"No cascade meeting accuracy ≥ {request.MinAccuracy:0.###} holds {peak:0.#} req/s at p99 ≤ {request.SloMs} ms with {request.Devices} device(s).");
    }

    /// <summary>
    /// Model switching: for each load band, the most accurate single model (the tile detector before it,
    /// if any) that the budget holds at the band's top, whatever the floor — switching trades accuracy for
    /// load by changing models, not thresholds. Neighbouring bands that choose the same model and
    /// provision are one gear.
    /// </summary>
    public static GearPlan Switching(PipelineModel model, PlanRequest request)
    {
        var clock = Stopwatch.StartNew();
        var singles = Enumerable.Range(0, model.Estimator.Models.Length)
            .Select(model.WithOnly)
            .Select(single => (Model: single, Planner: new GearPlanner(single, new PlannerOptions(CheckWithSimulator: false)), Front: ParetoFront.Build(single, 0)))
            .OrderByDescending(s => s.Front.Max(p => p.Outcome.Accuracy))
            .ToList();
        var ceiling = singles.Max(s => s.Planner.Ceiling(s.Front, request));
        var maxLoad = request.MaxLoad ?? ceiling;
        var edges = LoadBands.UpperEdges(maxLoad, request.Bands, request.BandFactor).Where(e => e <= ceiling).ToList();
        if (edges.Count == 0 || edges[^1] < Math.Min(maxLoad, ceiling) * 0.999) edges.Add(Math.Min(maxLoad, ceiling));

        var gears = new List<Gear>();
        foreach (var edge in edges)
        {
            foreach (var single in singles)
            {
                if (single.Planner.Choose(edge, single.Front, request.SloMs, request.Devices, null) is not { } choice) continue;
                gears.Add(OnFullPipeline(model, single.Model, single.Planner.ToGear(gears.Count, gears.Count == 0 ? 0 : gears[^1].MaxLoad, edge, choice, request, null)));
                break;
            }
        }
        if (gears.Count == 0) throw new PlanningImpossibleException($"No single model holds any load at p99 ≤ {request.SloMs} ms with {request.Devices} device(s).");
        return new GearPlan(1, DateTimeOffset.UtcNow, request, [.. GearPlanner.MergeIdentical(gears)], ceiling, clock.Elapsed.TotalMilliseconds,
            ["Model-switching baseline: per band the most accurate single model the budget holds (no cascade, no accuracy floor)."]);
    }

    /// <summary>A gear of a one-model pipeline, as the full pipeline's gear: every other cascade model gets no replica.</summary>
    private static Gear OnFullPipeline(PipelineModel full, PipelineModel single, Gear gear) => gear with
    {
        Thresholds = full.Estimator.Models[..^1].ToDictionary(m => m, _ => 0.0),
        Replicas = full.Units.ToDictionary(u => u, u => single.Units.Contains(u) ? gear.Replicas[u] : 0),
        MaxBatch = full.Units.ToDictionary(u => u, u => single.Units.Contains(u) ? gear.MaxBatch[u] : 1),
        Threads = full.Units.ToDictionary(u => u, u => single.Units.Contains(u) ? gear.ThreadsOf(u) : 1),
    };
}
