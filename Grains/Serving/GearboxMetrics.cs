using System.Diagnostics.Metrics;

namespace Gearbox.Serving;

/// <summary>The "Gearbox" meter: what /metrics exports besides Orleans' and ASP.NET Core's own meters.</summary>
public static class GearboxMetrics
{
    public const string MeterName = "Gearbox";
    private static readonly Meter Meter = new(MeterName, "1.0");

    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("gearbox.requests", "{request}", "Inference requests answered, by pipeline and outcome.");
    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>("gearbox.request.duration", "ms", "Server-side request latency by pipeline.");
    public static readonly Counter<long> Drops = Meter.CreateCounter<long>("gearbox.drops", "{item}", "Items answered 'deadline exceeded' by a worker, by model.");
    public static readonly Counter<long> Served = Meter.CreateCounter<long>("gearbox.served", "{item}", "Items a worker ran, by model.");
    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("gearbox.batch.size", "{item}", "Batch sizes a worker ran, by model.");
    public static readonly Histogram<double> QueueDelay = Meter.CreateHistogram<double>("gearbox.queue.delay", "ms", "Time an item waited in a worker's queue, by model.");
    public static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>("gearbox.batch.duration", "ms", "Forward-pass time per batch, by model.");
}
