namespace Gearbox.Tests.Storage;

/// <summary>A stand-in for the planner's gear plan type: storage must not care what the plan holds.</summary>
public sealed record TestPlan(string Pipeline, double[] Thresholds, Dictionary<string, int> Replicas, double PredictedP99Ms)
{
    public static TestPlan Sample(string pipeline, double threshold) =>
        new(pipeline, [threshold, 0.95], new() { ["mlp"] = 2, ["cnn"] = 1 }, 21.5);

    public bool SameAs(TestPlan? other) =>
        other is not null && other.Pipeline == Pipeline && other.Thresholds.SequenceEqual(Thresholds)
        && other.Replicas.OrderBy(r => r.Key).SequenceEqual(Replicas.OrderBy(r => r.Key)) && other.PredictedP99Ms == PredictedP99Ms;
}
