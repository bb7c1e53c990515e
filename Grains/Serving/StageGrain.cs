using Gearbox.Contracts.Serving;
using Orleans.Concurrency;

namespace Gearbox.Serving;

/// <summary>
/// One stage of one pipeline, key "{pipeline}/{stage}": holds the stage's configuration, configures its
/// workers, retires the ones a new gear drops, and tells a new worker activation its settings. Items do
/// not pass through it: the pipeline and its routers run them on the workers (<see cref="PipelineRunner"/>).
/// </summary>
[Reentrant]
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class StageGrain(IGrainFactory grains) : Grain, IStageGrain
{
    private readonly GrainReferences<IWorkerGrain> _workerGrains = new(grains);
    private StageDefinition? _definition;
    private StageConfiguration? _configuration;
    private Dictionary<string, string[]> _workers = new(StringComparer.Ordinal);

    public async Task Configure(StageDefinition definition, StageConfiguration configuration)
    {
        StageConfigurationRules.Validate(definition, configuration);
        var stageKey = this.GetPrimaryKeyString();
        var workers = configuration.Models.ToDictionary(
            m => m.Model,
            m => Enumerable.Range(0, m.Replicas).Select(r => StageConfigurationRules.WorkerKey(stageKey, m.Model, r)).ToArray(),
            StringComparer.Ordinal);
        await Task.WhenAll(configuration.Models.SelectMany(m => workers[m.Model].Select(key =>
            _workerGrains.Get(key).Configure(new WorkerSettings(m.Model, m.MaxBatch, m.Threads)))));

        // Replicas the new gear no longer has stop receiving items now and retire once their queues drain.
        var kept = workers.Values.SelectMany(w => w).ToHashSet(StringComparer.Ordinal);
        foreach (var retired in _workers.Values.SelectMany(w => w).Where(w => !kept.Contains(w)))
            _ = _workerGrains.Get(retired).Retire();

        _definition = definition;
        _configuration = configuration with { Version = (_configuration?.Version ?? 0) + 1 };
        _workers = workers;
    }

    public async Task<StageSnapshot> GetSnapshot()
    {
        if (_definition is null || _configuration is null)
            throw new StageNotConfiguredException($"Stage '{this.GetPrimaryKeyString()}' has no configuration yet.");
        var stats = await Task.WhenAll(_workers.Values.SelectMany(w => w).Select(key => _workerGrains.Get(key).GetStats()));
        // Items are run by the pipeline and its routers, which keep the counters; the pipeline fills them in.
        return new StageSnapshot(_definition, _configuration, 0, 0, new Dictionary<string, long>(StringComparer.Ordinal), stats);
    }

    public Task<WorkerSettings?> GetWorkerSettings(string workerKey) => Task.FromResult(SettingsFor(workerKey));

    /// <summary>The settings the current configuration gives this worker, or null when it has none.</summary>
    private WorkerSettings? SettingsFor(string workerKey)
    {
        if (_configuration is null) return null;
        foreach (var provision in _configuration.Models)
            if (_workers.TryGetValue(provision.Model, out var keys) && keys.Contains(workerKey, StringComparer.Ordinal))
                return new WorkerSettings(provision.Model, provision.MaxBatch, provision.Threads);
        return null;
    }
}
