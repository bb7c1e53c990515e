using Gearbox.Contracts.Monitoring;
using Gearbox.Monitoring;

namespace Gearbox.Serving;

/// <summary>What an entrance (the pipeline grain or a router) pushes to its monitor every window: its entrance counts and its stage counts.</summary>
public static class ServingReports
{
    public static Task Send(IMonitorGrain monitor, EntranceCounter entrance, IReadOnlyDictionary<string, StageCounter> stages)
    {
        var sends = new List<Task>(1 + stages.Count);
        if (entrance.Take(UnixClock.NowMs) is { } report) sends.Add(monitor.ReportEntrance(report));
        foreach (var stage in stages.Values)
            if (stage.Take() is { } stageReport) sends.Add(monitor.ReportStage(stageReport));
        return sends.Count == 0 ? Task.CompletedTask : Task.WhenAll(sends);
    }
}
