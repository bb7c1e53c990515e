namespace Gearbox.Bench;

/// <summary>
/// One protocol's sweep (one repetition) beside the engine alone: p50 overhead at the lowest rate (over the
/// engine back to back, and over the engine paced at that rate when it was), peak goodput at the SLO over the
/// engine's peak, and the steps at or below 80 % of the peak that missed the SLO.
/// </summary>
public sealed record ProtocolComparison(
    SweepRun Sweep,
    HttpFigures? Peak,
    bool Saturated,
    double P50OverheadMs,
    double PeakOverEngine,
    IReadOnlyList<HttpFigures> MissesBelowPeak,
    double P50OverheadPacedMs = double.NaN)
{
    public BenchProtocol Protocol => Sweep.Protocol;
    public IReadOnlyList<SweepStep> Steps => Sweep.Steps;
    public HttpFigures Lowest => Sweep.Steps[0].Http;
    public double PeakGoodput => Peak?.ServedRate ?? double.NaN;

    public static ProtocolComparison From(SweepRun sweep, EngineFigures? engine)
    {
        var runs = sweep.Steps.Select(s => s.Http).ToArray();
        var peak = SweepPeak.Find(runs);
        return new ProtocolComparison(sweep, peak, SweepPeak.Saturated(runs),
            engine is null ? double.NaN : runs[0].OkLatency.P50 - engine.SingleImage.P50,
            engine is null || peak is null ? double.NaN : peak.ServedRate / engine.MaxThroughput,
            SweepPeak.MissesBelowPeak(runs, peak),
            engine?.Paced is { } paced ? runs[0].OkLatency.P50 - paced.P50 : double.NaN);
    }
}

/// <summary>The --json of a rate sweep: per protocol and repetition, every rate's figures and the comparison with the engine alone (when it ran); per protocol, the peaks' spread over the repetitions.</summary>
public sealed record SweepJson(
    string Kind, DateTimeOffset At, string Target, string GrpcTarget, string Pipeline, double SloMs, double DurationSeconds, int RunCount,
    EngineJson? Engine, ProtocolJson[] Protocols, SpreadJson[] Spreads);

public sealed record EngineJson(double? P50Ms, double? P99Ms, double? MaxThroughput, double? Accuracy, double? PacedRate, double? PacedP50Ms, double? PacedP99Ms)
{
    public static EngineJson From(EngineFigures e) => new(BenchJson.Num(e.SingleImage.P50), BenchJson.Num(e.SingleImage.P99),
        BenchJson.Num(e.MaxThroughput), BenchJson.Num(e.Accuracy.Accuracy),
        e.Paced is null ? null : e.PacedRate, e.Paced is null ? null : BenchJson.Num(e.Paced.P50), e.Paced is null ? null : BenchJson.Num(e.Paced.P99));
}

/// <summary>The server's runtime during a step (null where it did not export the figure).</summary>
public sealed record RuntimeJson(
    double? AllocatedKbPerRequest, double? Gen0Collections, double? Gen1Collections, double? Gen2Collections, double? GcPauseMs,
    double? ThreadPoolQueueMax, double? ThreadPoolQueueMean, double? ThreadPoolThreadsMax, double? LockContentions, double? CpuMsPerRequest,
    double? WorkItemsPerRequest, int Polls)
{
    public static RuntimeJson From(RuntimeFigures r) => new(
        BenchJson.Num(r.AllocatedKbPerRequest), r.Gen0Collections, r.Gen1Collections, r.Gen2Collections, BenchJson.Num(r.GcPauseMs),
        r.QueueMax, BenchJson.Num(r.QueueMean), r.ThreadsMax, r.LockContentions, BenchJson.Num(r.CpuMsPerRequest),
        BenchJson.Num(r.WorkItemsPerRequest), r.Polls);
}

public sealed record RateJson(
    double Rate, double? OfferedRate, double? ServedRate, int Sent, int Ok, int Drops, int Errors, double? P50Ms, double? P99Ms, double? MaxMs,
    double? Attainment, double? Accuracy, double? SendLagP99Ms, bool GeneratorBound, RuntimeJson Runtime)
{
    public static RateJson From(SweepStep step)
    {
        var h = step.Http;
        return new RateJson(step.Rate, BenchJson.Num(h.OfferedRate), BenchJson.Num(h.ServedRate), h.Sent, h.Ok, h.Drops, h.OtherErrors.Values.Sum(),
            BenchJson.Num(h.OkLatency.P50), BenchJson.Num(h.OkLatency.P99), BenchJson.Num(h.OkLatency.Max), BenchJson.Num(h.SloAttainment),
            BenchJson.Num(h.Accuracy.Accuracy), BenchJson.Num(h.SendLag.P99), step.GeneratorBound, RuntimeJson.From(step.Runtime));
    }
}

public sealed record ProtocolJson(
    string Protocol, int Run, int Seed, RateJson[] Runs, double? PeakGoodput, bool Saturated, double? P50OverheadMs, double? PeakOverEngine,
    double[] MissesBelowPeakRates, string? StopReason, double? P50OverheadPacedMs)
{
    public static ProtocolJson From(ProtocolComparison c) => new(
        c.Protocol.ToString().ToLowerInvariant(), c.Sweep.Run, c.Sweep.Seed,
        c.Steps.Select(RateJson.From).ToArray(),
        c.Peak is null ? null : BenchJson.Num(c.Peak.ServedRate), c.Saturated, BenchJson.Num(c.P50OverheadMs), BenchJson.Num(c.PeakOverEngine),
        c.MissesBelowPeak.Select(m => BenchJson.Num(m.OfferedRate) ?? 0).ToArray(), c.Sweep.StopReason, BenchJson.Num(c.P50OverheadPacedMs));
}

/// <summary>One protocol's peaks over the --runs repetitions: (max − min) / mean and whether all are within ±10 % of the mean.</summary>
/// <param name="AllSaturated">Every run found saturation; otherwise some peak is only the highest rate offered (a lower bound).</param>
public sealed record SpreadJson(string Protocol, double?[] Peaks, double?[] PeakOverEngine, double?[] P50Ms, double? Spread, bool WithinTolerance, bool AllSaturated)
{
    public static SpreadJson From(BenchProtocol protocol, IReadOnlyList<ProtocolComparison> runs)
    {
        var spread = RunSpread.Of(runs.Select(r => r.PeakGoodput).ToArray());
        return new SpreadJson(protocol.ToString().ToLowerInvariant(), runs.Select(r => BenchJson.Num(r.PeakGoodput)).ToArray(),
            runs.Select(r => BenchJson.Num(r.PeakOverEngine)).ToArray(), runs.Select(r => BenchJson.Num(r.Lowest.OkLatency.P50)).ToArray(),
            BenchJson.Num(spread.Spread), spread.WithinTolerance, runs.All(r => r.Saturated));
    }
}
