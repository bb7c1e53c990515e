using System.Diagnostics;
using Gearbox.Contracts.Planning;
using Gearbox.Planning.Simulation;

namespace Gearbox.Planning;

/// <summary>
/// CascadeServe's offline gear plan. The threshold grid is replayed on the validation items and reduced
/// to its Pareto front; for each load band (geometric steps up to the max load) every front point gets
/// its least-device provision from the queueing estimate; the band takes the cheapest, then the most
/// accurate, then the one closest to the previous band's replicas (bands chain, so gears do not thrash
/// workers). Each gear is then run through the simulator and tightened if it misses the SLO there.
/// </summary>
public sealed class GearPlanner
{
    /// <summary>Accuracies within this of each other count as equal, so replica continuity can break the tie.</summary>
    public const double AccuracyTie = 0.001;
    private const double LowestLoad = 0.01;

    private readonly PipelineModel _model;
    private readonly PlannerOptions _options;
    private readonly ProvisionSearch _search;

    public GearPlanner(PipelineModel model, PlannerOptions? options = null)
    {
        _model = model;
        _options = options ?? new PlannerOptions();
        _search = new ProvisionSearch(model, _options.CpuCap);
    }

    public GearPlan Plan(PlanRequest request)
    {
        var clock = Stopwatch.StartNew();
        if (request.Problem() is { } problem) throw new PlanningImpossibleException($"Cannot plan '{request.Pipeline}': {problem}.");
        var front = ParetoFront.Build(_model, request.MinAccuracy);
        if (front.Count == 0) throw new PlanningImpossibleException(FloorTooHigh(request));
        var notes = new List<string>();
        var ceiling = Ceiling(front, request);
        var maxLoad = request.MaxLoad ?? ceiling;
        var edges = LoadBands.UpperEdges(maxLoad, request.Bands, request.BandFactor).Where(e => e <= ceiling).ToList();
        if (request.MaxLoad is { } asked && asked > ceiling)
        {
            notes.Add($"Loads above {ceiling:0.#} req/s cannot be held with {request.Devices} devices at p99 ≤ {request.SloMs} ms and accuracy ≥ {request.MinAccuracy:0.###}; " +
                      $"{asked:0.#} req/s was asked. The plan's ceiling is {ceiling:0.#} req/s; above it the top gear runs and the workers drop what cannot make its deadline.");
            if (edges.Count == 0 || edges[^1] < ceiling * 0.999) edges.Add(ceiling);
        }

        var gears = new List<Gear>();
        int[]? previous = null;
        foreach (var edge in edges)
        {
            var (choice, simulated, tightenings) = ChooseChecked(edge, front, request, previous);
            if (choice is null) continue;
            if (tightenings > 0) notes.Add($"Band up to {edge:0.#} req/s: the simulator found the first choice short of the SLO; planned against {Math.Pow(PlannerOptions.TightenFactor, tightenings):P0} of it.");
            if (simulated is { } s && s.Attainment < PlannerOptions.RequiredAttainment)
                notes.Add($"Band up to {edge:0.#} req/s: still {s.Attainment:P2} within the SLO in the simulator after tightening.");
            previous = choice.Provision.Replicas;
            gears.Add(ToGear(gears.Count, gears.Count == 0 ? 0 : gears[^1].MaxLoad, edge, choice, request, simulated));
        }
        if (gears.Count == 0) throw new PlanningImpossibleException($"No load band up to {maxLoad:0.#} req/s can be held (ceiling {ceiling:0.##} req/s).");
        var banded = gears.Count;
        gears = MergeIdentical(gears);
        if (gears.Count < banded) notes.Add($"{banded - gears.Count} of {banded} bands ran the same configuration as the band above them and were merged into it ({gears.Count} gears).");
        notes.Add(ServingNote(request));
        notes.Add($"{front.Count} threshold vectors on the Pareto front of {_model.Estimator.GridPoints().Count()} on the grid; " +
                  $"validation items: {_model.Estimator.Items}; predicted accuracy is the cascade's on those items" +
                  (_model.SplitterAccuracy is { } a ? $" (per tile; the tile detector's own validation accuracy is {a:P2}, mean fan-out {_model.FanOut.Mean:0.##})." : "."));
        if (_options.CheckWithSimulator) notes.Add(BurstyCheck(gears[^1], request));
        return new GearPlan(1, DateTimeOffset.UtcNow, request, [.. gears], ceiling, clock.Elapsed.TotalMilliseconds, [.. notes]);
    }

    /// <summary>The cheapest (then most accurate, then closest to <paramref name="previous"/>) front point and provision holding <paramref name="load"/>.</summary>
    public BandChoice? Choose(double load, IReadOnlyList<FrontPoint> front, double sloMs, int devices, int[]? previous)
    {
        int? least = null;
        var cheapest = new List<(FrontPoint Point, double[] Rates, double[] Tail)>();
        foreach (var point in front)
        {
            var rates = _model.UnitRates(load, point.Outcome);
            var tail = _model.RequestTail(point.Outcome);
            var n = _search.MinDevices(load, rates, tail, sloMs, least ?? devices);
            if (n is null) continue;
            if (least is null || n < least) { least = n; cheapest.Clear(); }
            cheapest.Add((point, rates, tail));
        }
        BandChoice? best = null;
        foreach (var (point, rates, tail) in cheapest)
        {
            var provision = _search.Best(load, rates, tail, sloMs, least!.Value, previous);
            if (provision is null) continue;
            var candidate = new BandChoice(point, provision);
            if (best is null || Better(candidate, best, previous)) best = candidate;
        }
        return best;
    }

    /// <summary>The highest load (req/s) some front point holds within the budget, by bisection (feasibility only shrinks as load grows).</summary>
    public double Ceiling(IReadOnlyList<FrontPoint> front, PlanRequest request)
    {
        bool Holds(double load) => front.Any(p =>
            _search.MinDevices(load, _model.UnitRates(load, p.Outcome), _model.RequestTail(p.Outcome), request.SloMs, request.Devices) is not null);
        if (!Holds(LowestLoad)) throw new PlanningImpossibleException(TooTightAtLowLoad(front, request));
        var (lo, hi) = (LowestLoad, 1.0);
        while (Holds(hi) && hi < 1e8) { lo = hi; hi *= 2; }
        if (hi >= 1e8 && Holds(hi)) return hi;
        while (hi - lo > lo * 1e-3) { var mid = (lo + hi) / 2; if (Holds(mid)) lo = mid; else hi = mid; }
        return lo;
    }

    private (BandChoice? Choice, SimulationResult? Simulated, int Tightenings) ChooseChecked(double load, IReadOnlyList<FrontPoint> front, PlanRequest request, int[]? previous)
    {
        var first = Choose(load, front, request.SloMs, request.Devices, previous);
        if (first is null || !_options.CheckWithSimulator) return (first, null, 0);
        var firstResult = Simulate(first, load, request.SloMs);
        if (firstResult.Attainment >= PlannerOptions.RequiredAttainment) return (first, firstResult, 0);
        for (var k = 1; k <= PlannerOptions.MaxTightenings; k++)
        {
            var tighter = Choose(load, front, request.SloMs * Math.Pow(PlannerOptions.TightenFactor, k), request.Devices, previous);
            if (tighter is null) break;
            var result = Simulate(tighter, load, request.SloMs);
            if (result.Attainment >= PlannerOptions.RequiredAttainment) return (tighter, result, k);
        }
        return (first, firstResult, 0);
    }

    private SimulationResult Simulate(BandChoice choice, double load, double sloMs)
    {
        var random = new Random(_options.Seed);
        var durationMs = _options.CheckDurationMs(load);
        // The serving path's added latency is not simulated: it comes off every request's budget.
        var arrivals = Arrivals.Poisson(load, durationMs, sloMs - _model.ServingLatencyMs, random);
        return new PipelineSimulator(_model, _options.Seed).Run(arrivals, GearMapping.ToSimulated(choice.Point, choice.Provision));
    }

    private string BurstyCheck(Gear top, PlanRequest request)
    {
        var random = new Random(_options.Seed);
        var arrivals = Arrivals.Bursty(top.MaxLoad, _options.CheckDurationMs(top.MaxLoad), request.SloMs - _model.ServingLatencyMs, random);
        var result = new PipelineSimulator(_model, _options.Seed).Run(arrivals, GearMapping.ToSimulated(_model, top));
        return $"Bursty check of the top gear (bursts at 3× its {top.MaxLoad:0.#} req/s mean, 20% of the time): " +
               $"{result.Attainment:P2} within the SLO, p99 {result.P99Ms + _model.ServingLatencyMs:0.#} ms, {result.Dropped} of {result.Requests.Length} dropped. " +
               "Gears are planned for Poisson load at the band's top; bursts above it are the next gear's job online.";
    }

    private static bool Better(BandChoice a, BandChoice b, int[]? previous)
    {
        var (ba, bb) = (Math.Floor(a.Point.Outcome.Accuracy / AccuracyTie), Math.Floor(b.Point.Outcome.Accuracy / AccuracyTie));
        if (ba != bb) return ba > bb;
        var (ca, cb) = (a.Provision.ReplicaChanges(previous), b.Provision.ReplicaChanges(previous));
        if (ca != cb) return ca < cb;
        if (a.Point.Outcome.Accuracy != b.Point.Outcome.Accuracy) return a.Point.Outcome.Accuracy > b.Point.Outcome.Accuracy;
        return a.Provision.P99Ms < b.Provision.P99Ms;
    }

    internal Gear ToGear(int index, double minLoad, double maxLoad, BandChoice choice, PlanRequest request, SimulationResult? simulated) => new(
        index, minLoad, maxLoad,
        GearMapping.Thresholds(_model, choice.Point.Thresholds),
        GearMapping.PerUnit(_model, choice.Provision.Replicas),
        GearMapping.PerUnit(_model, choice.Provision.MaxBatch),
        choice.Point.Outcome.Accuracy,
        choice.Provision.P99Ms,
        choice.Provision.Devices * request.CostPerDevice,
        choice.Provision.Devices,
        simulated is null ? double.NaN : simulated.P99Ms + _model.ServingLatencyMs,
        simulated?.Attainment ?? double.NaN,
        GearMapping.PerUnit(_model, choice.Provision.Threads),
        choice.Provision.CpuCores);

    /// <summary>Whether two gears run the same configuration: thresholds, replicas, max batch and threads.</summary>
    public static bool SameConfiguration(Gear a, Gear b) =>
        SameEntries(a.Thresholds, b.Thresholds) && SameEntries(a.Replicas, b.Replicas) && SameEntries(a.MaxBatch, b.MaxBatch) &&
        a.Replicas.Keys.All(m => a.ThreadsOf(m) == b.ThreadsOf(m));

    /// <summary>
    /// Merges each run of neighbouring gears with the same configuration into one band: it spans the run's
    /// loads and keeps the top gear's predictions (made at the band's top load, the hardest).
    /// </summary>
    public static List<Gear> MergeIdentical(IReadOnlyList<Gear> gears)
    {
        var merged = new List<Gear>();
        foreach (var gear in gears)
        {
            if (merged.Count > 0 && SameConfiguration(merged[^1], gear))
                merged[^1] = gear with { Index = merged.Count - 1, MinLoad = merged[^1].MinLoad };
            else
                merged.Add(gear with { Index = merged.Count, MinLoad = merged.Count == 0 ? gear.MinLoad : merged[^1].MaxLoad });
        }
        return merged;
    }

    private static bool SameEntries<T>(Dictionary<string, T> a, Dictionary<string, T> b) where T : IEquatable<T> =>
        a.Count == b.Count && a.All(e => b.TryGetValue(e.Key, out var v) && v.Equals(e.Value));

    private string ServingNote(PlanRequest request)
    {
        if (_model.Serving is not { } s)
            return "ENGINE-ONLY CAPACITY: no measured serving-path cost (profiles/serving.json), so HTTP, JSON and Orleans CPU per request are not counted " +
                   "and the ceiling over-promises wherever the gateway shares the cores with the workers. Run ./gearbox profile (or ./gearbox profile-serving) to measure it.";
        return $"Serving path counted on the same cores as the replicas: {s.CpuMsPerSecond:0.#} ms CPU/s under traffic + {s.CpuMsPerRequest:0.###} ms per request + {s.CpuMsPerItem:0.###} ms per item routed to a worker, " +
               $"engine threads {s.EngineCpuMsPerBatch:0.###} ms per batch beyond the forward pass, +{s.AddedLatencyMs:0.##} ms on the p99 path (measured {s.MeasuredAt:yyyy-MM-dd HH:mm} UTC on {s.Cores} cores); replicas and serving path together within " +
               $"{_options.CpuCap:P0} of a gear's devices. Devices are CPU cores here; GPU devices would not share the serving path's cores.";
    }

    private string FloorTooHigh(PlanRequest request)
    {
        var (best, thresholds) = ParetoFront.MostAccurate(_model);
        var estimator = _model.Estimator;
        var singles = string.Join(", ", estimator.Models.Select((m, i) => $"{m} {estimator.ModelAccuracy(i):0.####}"));
        return $"The accuracy floor {request.MinAccuracy:0.####} is above the best the '{request.Pipeline}' cascade reaches on its validation items: " +
               $"{best:0.####} (thresholds [{string.Join(", ", thresholds.Select(t => t.ToString("0.###")))}]); models alone: {singles}.";
    }

    private string TooTightAtLowLoad(IReadOnlyList<FrontPoint> front, PlanRequest request)
    {
        var unbounded = front.Select(p => _search.Best(LowestLoad, _model.UnitRates(LowestLoad, p.Outcome), _model.RequestTail(p.Outcome), double.MaxValue, request.Devices, null))
            .Where(p => p is not null).ToList();
        if (unbounded.Count == 0)
        {
            var needed = front.Min(p => p.Outcome.Reach.Count(r => r > 0) + (_model.HasSplitter ? 1 : 0));
            return $"The budget of {request.Devices} device(s) is too small: a cascade meeting accuracy ≥ {request.MinAccuracy:0.###} needs at least {needed} (one per model it uses).";
        }
        var fastest = unbounded.Min(p => p!.P99Ms);
        return $"The SLO of {request.SloMs} ms cannot be met even at the lowest load: the fastest configuration meeting accuracy ≥ {request.MinAccuracy:0.###} " +
               $"has an estimated p99 of {fastest:0.##} ms.";
    }
}
