using Gearbox.Contracts.Profiles;
using Gearbox.Contracts.Serving;

namespace Gearbox.Planning;

/// <summary>
/// The planner's view of a pipeline: an optional tile-split stage (one model whose measured fan-out
/// multiplies the load) followed by one cascade. Units are the models in serving order: the splitter
/// (if any) first, then the cascade's models; a provision vector has one entry per unit.
/// With a measured <see cref="ServingCost"/>, the serving path's CPU and added latency are part of the
/// model (<see cref="ServingCores"/>, <see cref="ServingLatencyMs"/>); without one, capacity is the
/// engines' alone and the plan says so.
/// </summary>
public sealed class PipelineModel
{
    private readonly ModelProfile? _splitter;
    private readonly IReadOnlyList<ModelProfile> _cascade;
    private readonly Dictionary<int, ServiceTimes>[] _serviceByThreads;
    private readonly int[][] _threadOptions;
    private readonly int _thresholdCandidates;

    /// <param name="thresholdCandidates">Candidate thresholds per cascade model on the search grid (0 and ForwardAll included).</param>
    public PipelineModel(string name, ModelProfile? splitter, IReadOnlyList<ModelProfile> cascade, string cascadeStage = "classify",
        string? splitStage = null, int thresholdCandidates = 33, ServingCost? serving = null)
    {
        Name = name;
        _splitter = splitter;
        _cascade = cascade;
        Estimator = new CascadeEstimator(cascade, thresholdCandidates);
        _thresholdCandidates = thresholdCandidates;
        FanOut = splitter is null ? FanOutDistribution.One
            : new FanOutDistribution(splitter.FanOut ?? throw new InvalidDataException($"Profile of tile model '{splitter.Model}' has no fan-out; profile it again."));
        HasSplitter = splitter is not null;
        SplitterAccuracy = splitter?.Accuracy;
        var profiles = splitter is null ? cascade.ToList() : [splitter, .. cascade];
        Units = profiles.Select(p => p.Model).ToArray();
        Service = profiles.Select(p => ServiceTimes.FromProfile(p)).ToArray();
        _threadOptions = profiles.Select(p => p.ThreadCounts()).ToArray();
        _serviceByThreads = profiles.Select((p, u) => _threadOptions[u].ToDictionary(t => t, t => t == p.Threads ? Service[u] : ServiceTimes.FromProfile(p, t))).ToArray();
        CascadeStage = cascadeStage;
        SplitStage = splitStage;
        Serving = serving;
    }

    /// <summary>Builds the model of a declared pipeline from its definition and the models' profiles.</summary>
    /// <param name="servingCost">The measured serving-path cost (serving.json), or null: engine-only capacity, noted in the plan.</param>
    public static PipelineModel From(PipelineDefinition pipeline, Func<string, ModelProfile> profileOf, ServingCost? servingCost = null)
    {
        var stages = pipeline.Stages;
        return stages switch
        {
            [{ Kind: StageKind.Cascade } c] => new PipelineModel(pipeline.Name, null, c.Models.Select(profileOf).ToArray(), c.Name, serving: servingCost),
            [{ Kind: StageKind.TileSplit } s, { Kind: StageKind.Cascade } c] =>
                new PipelineModel(pipeline.Name, profileOf(s.Models[0]), c.Models.Select(profileOf).ToArray(), c.Name, s.Name, serving: servingCost),
            _ => throw new ArgumentException(
                $"Pipeline '{pipeline.Name}' has stages [{string.Join(", ", stages.Select(s => s.Kind))}]; the planner handles a cascade, optionally after one tile split."),
        };
    }

    /// <summary>The same pipeline with its cascade cut down to the last (largest) model: baseline (a) of the benchmark.</summary>
    public PipelineModel WithLargestModelOnly() => WithOnly(_cascade.Count - 1);

    /// <summary>The same pipeline with its cascade cut down to model <paramref name="cascadeIndex"/> alone (the tile detector stays).</summary>
    public PipelineModel WithOnly(int cascadeIndex) =>
        new($"{Name} ({_cascade[cascadeIndex].Model} only)", _splitter, [_cascade[cascadeIndex]], CascadeStage, SplitStage, serving: Serving);

    /// <summary>The same pipeline without the serving path's cost: engine-only capacity (for comparison).</summary>
    public PipelineModel WithoutServingCost() => WithServingCost(null);

    /// <summary>The same pipeline with another serving-path cost (null: engine-only).</summary>
    public PipelineModel WithServingCost(ServingCost? serving) =>
        new(Name, _splitter, _cascade, CascadeStage, SplitStage, _thresholdCandidates, serving: serving);

    public string Name { get; }

    /// <summary>The profiles the model was built from, in unit order.</summary>
    public IEnumerable<ModelProfile> Profiles => _splitter is null ? _cascade : [_splitter, .. _cascade];
    public CascadeEstimator Estimator { get; }
    public FanOutDistribution FanOut { get; }
    public bool HasSplitter { get; }
    public double? SplitterAccuracy { get; }
    public string[] Units { get; }
    public ServiceTimes[] Service { get; }
    public string CascadeStage { get; }
    public string? SplitStage { get; }

    /// <summary>The measured serving-path cost, or null (engine-only capacity).</summary>
    public ServingCost? Serving { get; }

    /// <summary>Latency the serving path adds to every request's p99 path (0 without a measured cost).</summary>
    public double ServingLatencyMs => Serving?.AddedLatencyMs ?? 0;

    /// <summary>Engine-thread CPU per batch beyond the profiled forward pass (0 without a measured serving cost).</summary>
    public double EngineCpuMsPerBatch => Serving?.EngineCpuMsPerBatch ?? 0;

    /// <summary>Cores the serving path keeps busy at <paramref name="requestsPerSecond"/> with these unit rates (items/s into each model's workers).</summary>
    public double ServingCores(double requestsPerSecond, double[] unitRates) =>
        Serving?.CoresAt(requestsPerSecond, unitRates.Sum()) ?? 0;

    /// <summary>Thread counts a replica of unit <paramref name="unit"/> can run with: those its profile measured (ascending).</summary>
    public int[] ThreadOptions(int unit) => _threadOptions[unit];

    /// <summary>l(b) of unit <paramref name="unit"/> with <paramref name="threads"/> threads per replica (a measured count).</summary>
    public ServiceTimes ServiceAt(int unit, int threads) =>
        _serviceByThreads[unit].TryGetValue(threads, out var s) ? s
            : throw new ArgumentException($"Model '{Units[unit]}' was not profiled with {threads} thread(s); measured: {string.Join(", ", _threadOptions[unit])}.");

    /// <summary>Index of the cascade's first model among the units.</summary>
    public int CascadeStart => HasSplitter ? 1 : 0;

    /// <summary>
    /// Cascade workload estimation (SLOpt): each unit's arrival rate, items/s, from the request rate —
    /// the splitter sees every request; cascade model j sees requests × mean fan-out × reach_j.
    /// </summary>
    public double[] UnitRates(double requestsPerSecond, CascadeOutcome outcome)
    {
        var rates = new double[Units.Length];
        if (HasSplitter) rates[0] = requestsPerSecond;
        for (var j = 0; j < outcome.Reach.Length; j++) rates[CascadeStart + j] = requestsPerSecond * FanOut.Mean * outcome.Reach[j];
        return rates;
    }

    /// <summary>
    /// Fraction of requests whose deepest item reaches each unit: 1 for the splitter, and for cascade
    /// model j the chance that any of the request's items reaches j (items drawn independently).
    /// </summary>
    public double[] RequestTail(CascadeOutcome outcome)
    {
        var tail = new double[Units.Length];
        if (HasSplitter) tail[0] = 1;
        for (var j = 0; j < outcome.Reach.Length; j++)
            tail[CascadeStart + j] = HasSplitter ? FanOut.AnyReaches(outcome.Reach[j]) : outcome.Reach[j];
        return tail;
    }

    /// <summary>
    /// Device-ms spent per request at each unit's largest batch: the compute axis of the Pareto front.
    /// </summary>
    public double ComputePerRequestMs(CascadeOutcome outcome)
    {
        var rates = UnitRates(1, outcome);
        var total = 0.0;
        for (var u = 0; u < Units.Length; u++) total += rates[u] * Service[u].Ms(Service[u].MaxBatch) / Service[u].MaxBatch;
        return total;
    }
}
