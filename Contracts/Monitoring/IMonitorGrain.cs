using Orleans.Concurrency;

namespace Gearbox.Contracts.Monitoring;

/// <summary>
/// The load monitor of one pipeline (key: the pipeline's name). The entrance, stages and workers count
/// locally and push what they counted every window on their own timers (one-way, never per request);
/// the monitor closes a window every <see cref="LoadView.WindowMs"/> ms, keeps two minutes of them and
/// updates the load estimate the gear planner reads.
/// </summary>
[Alias("gearbox.IMonitorGrain")]
public interface IMonitorGrain : IGrainWithStringKey
{
    [OneWay, Alias("ReportEntrance")] Task ReportEntrance(EntranceReport report);

    [OneWay, Alias("ReportStage")] Task ReportStage(StageReport report);

    [OneWay, Alias("ReportWorker")] Task ReportWorker(WorkerReport report);

    /// <summary>Items each model sees per entrance request under the gear in force (reach × fan-out), set by the planner.</summary>
    [Alias("SetItemsPerRequest")] Task SetItemsPerRequest(Dictionary<string, double> itemsPerRequest);

    [Alias("GetEstimate")] Task<LoadEstimate> GetEstimate();

    /// <param name="seconds">How many seconds of windows to return (the newest); 0 returns all that are kept.</param>
    [Alias("GetLoad")] Task<LoadView> GetLoad(double seconds);
}
