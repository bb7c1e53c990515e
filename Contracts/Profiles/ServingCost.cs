namespace Gearbox.Contracts.Profiles;

/// <summary>
/// What the serving path (HTTP, JSON, the gateway, Orleans grain calls: everything in the server
/// process but the engines' own threads) costs, measured on the real served path by
/// <c>gearbox-cli profile-serving</c> and stored as <c>$GEARBOX_DATA/profiles/serving.json</c>.
/// The planner counts <see cref="CoresAt"/> against the same cores as the model replicas.
/// </summary>
/// <param name="CpuMsPerRequest">Server CPU (all non-engine threads) per request, ms: the per-request term of the fit.</param>
/// <param name="CpuMsPerSecond">Server CPU per second while traffic flows at all, beyond idle (thread-pool workers spinning before they sleep): why the per-request cost falls as the rate rises.</param>
/// <param name="CpuMsPerItem">Server CPU per item routed to a worker grain (each model an item reaches counts once), ms; 0 when the runs could not separate it.</param>
/// <param name="AddedLatencyMs">Latency the serving path adds at low load, median (client send to full response, minus the model's profiled batch-of-1 time); the planner adds it to the p99 path (whose per-model terms are already p99s).</param>
/// <param name="AddedLatencyP99Ms">The same at the 99th percentile, for information: on a shared machine it mostly shows other processes' load.</param>
/// <param name="ClientCpuMsPerRequest">The load generator's own CPU per request (it shared the cores), for information.</param>
/// <param name="EngineCpuMsPerItem">Engine-thread CPU per item in the same runs, for comparison with the profiles.</param>
/// <param name="IdleCpuMsPerSecond">Non-engine CPU of the idle server (timers, membership, dashboard), subtracted from the runs.</param>
/// <param name="Cores">Cores of the machine it was measured on.</param>
/// <param name="Method">How it was measured, in words (command, rates, pipelines, what was read).</param>
/// <param name="EngineCpuMsPerBatch">Engine-thread CPU per batch beyond the forward pass the profiles time (waking for the batch, building the input tensor, decoding): the planner adds it to each replica's busy time.</param>
/// <param name="JitCpuMs">CPU of the runtime's background JIT (tiered compilation) during the measured runs: a start-up transient, left out of the per-request cost and reported here.</param>
[GenerateSerializer, Immutable, Alias("gearbox.serving-cost")]
public sealed record ServingCost(
    [property: Id(0)] double CpuMsPerRequest,
    [property: Id(1)] double CpuMsPerItem,
    [property: Id(2)] double AddedLatencyMs,
    [property: Id(3)] double AddedLatencyP99Ms,
    [property: Id(4)] double ClientCpuMsPerRequest,
    [property: Id(5)] double EngineCpuMsPerItem,
    [property: Id(6)] double IdleCpuMsPerSecond,
    [property: Id(7)] int Cores,
    [property: Id(8)] DateTimeOffset MeasuredAt,
    [property: Id(9)] string Method,
    [property: Id(10)] IReadOnlyList<ServingRun> Runs,
    [property: Id(11)] double JitCpuMs = 0,
    [property: Id(12)] double CpuMsPerSecond = 0,
    [property: Id(13)] double EngineCpuMsPerBatch = 0)
{
    public const int FormatVersion = 1;

    /// <summary>Cores the serving path keeps busy at <paramref name="requestsPerSecond"/> with <paramref name="itemsPerSecond"/> items routed to workers.</summary>
    public double CoresAt(double requestsPerSecond, double itemsPerSecond) =>
        requestsPerSecond <= 0 ? 0 : (CpuMsPerSecond + CpuMsPerRequest * requestsPerSecond + CpuMsPerItem * itemsPerSecond) / 1000;

    /// <summary>The cost with the load generator's measured CPU per request charged too: for a benchmark whose client shares these cores.</summary>
    public ServingCost WithClientCharged() => this with { CpuMsPerRequest = CpuMsPerRequest + ClientCpuMsPerRequest };
}

/// <summary>One measured run of <c>profile-serving</c>: open-loop Poisson load on one pipeline at one rate.</summary>
/// <param name="Items">Items the pipeline's worker grains received (served + dropped), from GET /v1/pipelines/{name}.</param>
/// <param name="OverheadCpuMs">Server CPU of the non-engine threads during the run, idle CPU subtracted.</param>
/// <param name="EngineForwardMs">Time the workers' forward passes took (their busy time), to tell the engine threads' other CPU from it.</param>
/// <param name="Batches">Batches the workers ran.</param>
[GenerateSerializer, Immutable, Alias("gearbox.serving-run")]
public sealed record ServingRun(
    [property: Id(0)] string Pipeline,
    [property: Id(1)] double OfferedRate,
    [property: Id(2)] int Requests,
    [property: Id(3)] int Ok,
    [property: Id(4)] long Items,
    [property: Id(5)] double WallSeconds,
    [property: Id(6)] double OverheadCpuMs,
    [property: Id(7)] double EngineCpuMs,
    [property: Id(8)] double ClientCpuMs,
    [property: Id(9)] double P50Ms,
    [property: Id(10)] double P99Ms,
    [property: Id(11)] double EngineForwardMs = 0,
    [property: Id(12)] long Batches = 0);
