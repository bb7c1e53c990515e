using Gearbox.Contracts.Profiles;
using Gearbox.Planning;

namespace Gearbox.Tests.Planning;

/// <summary>Synthetic model profiles built in code (not measured): calibrated confidences, linear batch latency.</summary>
public static class SyntheticProfiles
{
    /// <param name="skill">0..1: how confident (and so how often right) the model is.</param>
    /// <param name="fixedMs">Latency of a batch: fixedMs + perItemMs × b.</param>
    public static ModelProfile Classifier(string name, int items, double skill, double fixedMs, double perItemMs, int seed, int maxBatch = 8)
    {
        var random = new Random(seed);
        var confidence = new float[items];
        var correct = new bool[items];
        for (var i = 0; i < items; i++)
        {
            // Confidence leans towards 1 with skill; correctness is drawn so the model is calibrated.
            var c = 1 - (1 - random.NextDouble()) * (1 - skill);
            confidence[i] = (float)Math.Round(Math.Clamp(c, 0.1, 1.0), 3);
            correct[i] = random.NextDouble() < confidence[i];
        }
        return new ModelProfile(name, "synthetic", 1, DateTimeOffset.UnixEpoch, "synthetic", Latency(fixedMs, perItemMs, maxBatch), confidence, correct, null);
    }

    public static ModelProfile TileDetector(string name, int[] fanOut, double fixedMs, double perItemMs, int maxBatch = 8) =>
        new(name, "synthetic", 1, DateTimeOffset.UnixEpoch, "synthetic", Latency(fixedMs, perItemMs, maxBatch),
            fanOut.Select(_ => 0.99f).ToArray(), fanOut.Select(_ => true).ToArray(), fanOut);

    public static IReadOnlyList<LatencyPoint> Latency(double fixedMs, double perItemMs, int maxBatch)
    {
        var points = new List<LatencyPoint>();
        for (var b = 1; b <= maxBatch; b *= 2) points.Add(new LatencyPoint(b, fixedMs + perItemMs * b, fixedMs + perItemMs * b, 1));
        return points;
    }

    /// <summary>
    /// The profile with a second thread count measured: l(b, threads) = l(b, 1) / <paramref name="speedUp"/>
    /// (1: more threads do not help; 2: perfect scaling).
    /// </summary>
    public static ModelProfile WithThreads(ModelProfile profile, int threads, double speedUp) => profile with
    {
        LatencyAtThreads = [new ThreadLatency(threads, profile.Latency.Select(p => p with { MedianMs = p.MedianMs / speedUp, P95Ms = p.P95Ms / speedUp }).ToArray())],
    };

    /// <summary>A measured-looking serving cost: <paramref name="perRequestMs"/> CPU per request, <paramref name="perItemMs"/> per item, <paramref name="addedMs"/> on the p99 path.</summary>
    public static ServingCost Serving(double perRequestMs, double perItemMs = 0, double addedMs = 0) =>
        new(perRequestMs, perItemMs, addedMs, addedMs * 2, 0.1, 0.05, 10, 2, DateTimeOffset.UnixEpoch, "synthetic", []);

    /// <summary>A three-model synthetic cascade (cheap and weak → dear and strong), items aligned.</summary>
    public static ModelProfile[] Cascade(int items = 400, int maxBatch = 8) =>
    [
        Classifier("syn-small", items, 0.55, 0.4, 0.05, seed: 1, maxBatch),
        Classifier("syn-medium", items, 0.75, 1.0, 0.2, seed: 2, maxBatch),
        Classifier("syn-large", items, 0.9, 2.5, 0.6, seed: 3, maxBatch),
    ];

    public static PipelineModel Fashion(int candidates = 9, int items = 400, int maxBatch = 8) =>
        new("synthetic-fashion", null, Cascade(items, maxBatch), thresholdCandidates: candidates);

    public static PipelineModel Grid(int candidates = 6, int items = 400) =>
        new("synthetic-grid", TileDetector("syn-tiles", [0, 1, 2, 2, 3, 4, 4, 1, 2, 3], 0.8, 0.1), Cascade(items)[1..],
            splitStage: "tiles", thresholdCandidates: candidates);
}
