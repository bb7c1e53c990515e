using System.Collections.Concurrent;
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
    public static readonly Counter<long> EmulatedLateBatches = Meter.CreateCounter<long>("gearbox.emulated.late_batches", "{batch}", "Batches on an emulated device whose real CPU compute took longer than the emulated latency (see docs/devices.md), by emulated profile.");

    /// <summary>Configured worker activations on this silo, by model: summed per silo, the replicas each silo hosts (Grafana's "replicas per silo").</summary>
    public static readonly UpDownCounter<long> Workers = Meter.CreateUpDownCounter<long>("gearbox.workers", "{worker}", "Worker activations with a loaded model on this silo, by model.");

    /// <summary>The online loop's state per pipeline, exported as gauges: <c>gearbox_load_estimate</c> (req/s) and <c>gearbox_gear</c> (index, -1 for none).</summary>
    public static class ControlGauges
    {
        private static readonly ConcurrentDictionary<string, (double Estimate, int Gear)> Pipelines = new(StringComparer.Ordinal);

        static ControlGauges()
        {
            Meter.CreateObservableGauge("gearbox.load_estimate", () => Read(p => p.Estimate), description: "The monitor's load estimate (demand, req/s) the gear controller acts on, by pipeline.");
            Meter.CreateObservableGauge("gearbox.gear", () => Read(p => p.Gear), description: "Index of the gear in force, by pipeline (-1: none of the current plan's).");
        }

        public static void Set(string pipeline, double estimate, int gear) => Pipelines[pipeline] = (estimate, gear);

        private static IEnumerable<Measurement<double>> Read(Func<(double Estimate, int Gear), double> value) =>
            Pipelines.Select(p => new Measurement<double>(value(p.Value), new KeyValuePair<string, object?>("pipeline", p.Key)));
    }
}
