namespace Gearbox.Bench;

/// <summary>
/// The server's .NET runtime figures at one moment, read from its /metrics (the "System.Runtime" meter as
/// the OpenTelemetry Prometheus exporter names it). A figure the server does not export is null.
/// </summary>
public sealed record RuntimeReading(
    double? AllocatedBytes,
    double? Gen0Collections,
    double? Gen1Collections,
    double? Gen2Collections,
    double? GcPauseSeconds,
    double? LockContentions,
    double? CpuSeconds,
    double? ThreadPoolQueueLength,
    double? ThreadPoolThreads,
    double? ThreadPoolWorkItems)
{
    // Cumulative counters.
    public const string Allocated = "dotnet_gc_heap_total_allocated_bytes_total";
    public const string Collections = "dotnet_gc_collections_total"; // label gc_heap_generation = gen0, gen1, gen2
    public const string GcPause = "dotnet_gc_pause_time_seconds_total";
    public const string Contentions = "dotnet_monitor_lock_contentions_total";
    public const string Cpu = "dotnet_process_cpu_time_seconds_total"; // label cpu_mode = user, system: summed
    public const string WorkItems = "dotnet_thread_pool_work_item_count_total";
    // Current values: the runtime reports them as up-down counters, which the exporter names "_total" all the same.
    public const string QueueLength = "dotnet_thread_pool_queue_length_total";
    public const string Threads = "dotnet_thread_pool_thread_count_total";

    public bool HasRuntimeMeter => AllocatedBytes is not null;

    public static RuntimeReading From(PrometheusText metrics) => new(
        metrics.Sum(Allocated),
        metrics.Sum(Collections, "gc_heap_generation", "gen0"),
        metrics.Sum(Collections, "gc_heap_generation", "gen1"),
        metrics.Sum(Collections, "gc_heap_generation", "gen2"),
        metrics.Sum(GcPause),
        metrics.Sum(Contentions),
        metrics.Sum(Cpu),
        metrics.Sum(QueueLength),
        metrics.Sum(Threads),
        metrics.Sum(WorkItems));
}
