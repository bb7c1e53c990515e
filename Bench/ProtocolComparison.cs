namespace Gearbox.Bench;

/// <summary>One protocol's sweep beside the engine alone: p50 overhead at the lowest rate and peak goodput at the SLO over the engine's peak.</summary>
public sealed record ProtocolComparison(
    BenchProtocol Protocol,
    IReadOnlyList<HttpFigures> Runs,
    HttpFigures? Peak,
    bool Saturated,
    double P50OverheadMs,
    double PeakOverEngine)
{
    public static ProtocolComparison From(BenchProtocol protocol, IReadOnlyList<HttpFigures> runs, EngineFigures? engine)
    {
        var peak = SweepPeak.Find(runs);
        return new ProtocolComparison(protocol, runs, peak, SweepPeak.Saturated(runs),
            engine is null ? double.NaN : runs[0].OkLatency.P50 - engine.SingleImage.P50,
            engine is null || peak is null ? double.NaN : peak.ServedRate / engine.MaxThroughput);
    }
}

/// <summary>The --json of a rate sweep: per protocol, every rate's figures and the comparison with the engine alone (when it ran).</summary>
public sealed record SweepJson(
    string Kind, DateTimeOffset At, string Target, string GrpcTarget, string Pipeline, double SloMs, double DurationSeconds,
    EngineJson? Engine, ProtocolJson[] Protocols);

public sealed record EngineJson(double? P50Ms, double? P99Ms, double? MaxThroughput, double? Accuracy);

public sealed record RateJson(
    double? OfferedRate, double? ServedRate, int Sent, int Ok, int Drops, int Errors, double? P50Ms, double? P99Ms, double? MaxMs,
    double? Attainment, double? Accuracy, double? SendLagP99Ms);

public sealed record ProtocolJson(
    string Protocol, RateJson[] Runs, double? PeakGoodput, bool Saturated, double? P50OverheadMs, double? PeakOverEngine)
{
    public static ProtocolJson From(ProtocolComparison c) => new(
        c.Protocol.ToString().ToLowerInvariant(),
        c.Runs.Select(h => new RateJson(BenchJson.Num(h.OfferedRate), BenchJson.Num(h.ServedRate), h.Sent, h.Ok, h.Drops, h.OtherErrors.Values.Sum(),
            BenchJson.Num(h.OkLatency.P50), BenchJson.Num(h.OkLatency.P99), BenchJson.Num(h.OkLatency.Max), BenchJson.Num(h.SloAttainment),
            BenchJson.Num(h.Accuracy.Accuracy), BenchJson.Num(h.SendLag.P99))).ToArray(),
        c.Peak is null ? null : BenchJson.Num(c.Peak.ServedRate), c.Saturated, BenchJson.Num(c.P50OverheadMs), BenchJson.Num(c.PeakOverEngine));
}
