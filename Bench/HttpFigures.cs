namespace Gearbox.Bench;

/// <summary>The HTTP run's figures, computed from its outcomes.</summary>
public sealed record HttpFigures(
    int Sent,
    double OfferedRate,
    int Ok,
    int Drops,
    IReadOnlyDictionary<string, int> OtherErrors,
    double ServedRate,
    LatencyStats OkLatency,
    double SloAttainment,
    AccuracyScore Accuracy,
    LatencyStats SendLag,
    int[] AnsweredImages)
{
    public static HttpFigures From(HttpRunResult run, BenchImages images, double durationSeconds, double sloMs)
    {
        var outcomes = run.Outcomes;
        var ok = outcomes.Where(o => o.IsOk).ToArray();
        var accuracy = new AccuracyScore();
        foreach (var o in ok) accuracy.Add(o.Labels!, images.Truths[o.Image]);
        var errors = outcomes.Where(o => !o.IsOk && !o.IsDrop)
            .GroupBy(o => o.Status == 0 ? $"no response ({o.Error})" : o.Error is null ? $"HTTP {o.Status}" : $"HTTP {o.Status}: {o.Error}")
            .ToDictionary(g => g.Key, g => g.Count());
        return new HttpFigures(
            outcomes.Length,
            outcomes.Length / durationSeconds,
            ok.Length,
            outcomes.Count(o => o.IsDrop),
            errors,
            ok.Length / run.WallSeconds,
            new LatencyStats(ok.Select(o => o.LatencyMs)),
            outcomes.Length == 0 ? double.NaN : (double)ok.Count(o => o.LatencyMs <= sloMs) / outcomes.Length,
            accuracy,
            new LatencyStats(outcomes.Select(o => o.LagMs)),
            ok.Select(o => o.Image).ToArray());
    }
}
