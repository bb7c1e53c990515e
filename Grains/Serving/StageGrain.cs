using Gearbox.Contracts.Monitoring;
using Gearbox.Contracts.Serving;
using Gearbox.Monitoring;
using Gearbox.Planning.Control;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Gearbox.Serving;

/// <summary>
/// One stage of one pipeline, key "{pipeline}/{stage}". For a cascade, every item goes to a replica of
/// the first model; an answer whose confidence reaches that model's threshold is kept, the rest go on
/// to the next model; the last model always answers. Replicas are picked by least outstanding work; a
/// replica that fails is routed around (see <see cref="RunOnReplica"/>).
/// </summary>
[Reentrant]
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class StageGrain(IGrainFactory grains, GearControlOptions control, ILogger<StageGrain> log) : Grain, IStageGrain
{
    private StageCounter _counter = null!;
    private readonly WorkerPicker _picker = new();
    private readonly Dictionary<string, long> _answeredBy = new(StringComparer.Ordinal);
    private readonly GrainReferences<IWorkerGrain> _workerGrains = new(grains);
    private StageDefinition? _definition;
    private StageConfiguration? _configuration;
    private Dictionary<string, string[]> _workers = new(StringComparer.Ordinal);
    private long _items, _dropped;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        _counter = new StageCounter(key);
        var monitor = GrainFactory.GetGrain<IMonitorGrain>(MonitorKey.Of(key));
        var period = TimeSpan.FromMilliseconds(control.WindowMs);
        this.RegisterGrainTimer(() => _counter.Take() is { } report ? monitor.ReportStage(report) : Task.CompletedTask,
            new GrainTimerCreationOptions(period, period));
        return Task.CompletedTask;
    }

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

    public async Task<ItemResult[]> Run(float[][] inputs, double deadlineUnixMs)
    {
        if (_definition is null || _configuration is null)
            throw new StageNotConfiguredException($"Stage '{this.GetPrimaryKeyString()}' has no configuration yet.");
        var (definition, configuration, workers) = (_definition, _configuration, _workers);
        var results = new ItemResult[inputs.Length];
        var open = Enumerable.Range(0, inputs.Length).ToList();
        // Models without replicas in this gear are skipped; the last one with replicas always answers.
        var lastServed = Array.FindLastIndex(definition.Models, m => workers[m].Length > 0);
        for (var m = 0; m <= lastServed && open.Count > 0; m++)
        {
            var model = definition.Models[m];
            if (workers[model].Length == 0) continue;
            _counter.Sent(model, open.Count);
            var answers = await RunOnReplica(model, workers[model], open.Select(i => inputs[i]).ToArray(), deadlineUnixMs);
            var isLast = m == lastServed;
            var stillOpen = new List<int>();
            for (var j = 0; j < open.Count; j++)
            {
                var answer = answers[j];
                if (answer.Status == ItemStatus.Ok && !isLast && answer.Confidence < configuration.Thresholds[m])
                {
                    stillOpen.Add(open[j]);
                    continue;
                }
                results[open[j]] = answer;
                if (answer.Status == ItemStatus.Ok) _answeredBy[model] = _answeredBy.GetValueOrDefault(model) + 1;
                else _dropped++;
            }
            _counter.Forwarded(model, stillOpen.Count);
            open = stillOpen;
        }
        _items += inputs.Length;
        return results;
    }

    public async Task<StageSnapshot> GetSnapshot()
    {
        if (_definition is null || _configuration is null)
            throw new StageNotConfiguredException($"Stage '{this.GetPrimaryKeyString()}' has no configuration yet.");
        var stats = await Task.WhenAll(_workers.Values.SelectMany(w => w).Select(key => _workerGrains.Get(key).GetStats()));
        return new StageSnapshot(_definition, _configuration, _items, _dropped, new Dictionary<string, long>(_answeredBy), stats);
    }

    public Task<WorkerSettings?> GetWorkerSettings(string workerKey) => Task.FromResult(SettingsFor(workerKey));

    /// <summary>
    /// Runs the items on the replica with the least outstanding work. When that call fails for a reason of
    /// the replica (its activation or silo is gone, a timeout, a failed batch: anything but
    /// <see cref="ArgumentException"/>, which bad items would raise on every replica), the items go to a
    /// replica that has not failed for them yet, else once more to one that failed once: each replica is
    /// tried at most twice. A replica that says it has no settings is sent them and tried again at once.
    /// Once the deadline has passed, the items are answered DeadlineExceeded rather than retried.
    /// </summary>
    private async Task<ItemResult[]> RunOnReplica(string model, string[] replicas, float[][] items, double deadlineUnixMs)
    {
        Dictionary<string, int>? failures = null;
        string? again = null;
        while (true)
        {
            var key = again ?? _picker.Pick(failures is null ? replicas : Untried(replicas, failures));
            again = null;
            _picker.Started(key, items.Length);
            try
            {
                return await _workerGrains.Get(key).Infer(items, deadlineUnixMs);
            }
            catch (Exception e) when (e is not ArgumentException)
            {
                failures ??= new(StringComparer.Ordinal);
                var failed = failures[key] = failures.GetValueOrDefault(key) + 1;
                log.LogWarning(e, "{Count} item(s) failed on worker {Worker} ({Failure} of its 2 tries)", items.Length, key, failed);
                if (UnixClock.NowMs >= deadlineUnixMs)
                    return items.Select(_ => ItemResult.Dropped(model)).ToArray();
                if (e is WorkerNotConfiguredException && failed == 1 && SettingsFor(key) is { } settings)
                {
                    try
                    {
                        await _workerGrains.Get(key).Configure(settings);
                        again = key;
                    }
                    catch (Exception configure)
                    {
                        log.LogWarning(configure, "Could not configure worker {Worker} again", key);
                        failures[key] = 2;
                    }
                }
                if (replicas.All(r => failures.GetValueOrDefault(r) >= 2))
                    throw new ReplicasFailedException(
                        $"All {replicas.Length} replica(s) of '{model}' in stage '{this.GetPrimaryKeyString()}' failed twice; last: {e.GetType().Name}: {e.Message.Split('\n', 2)[0]}");
            }
            finally
            {
                _picker.Finished(key, items.Length);
            }
        }
    }

    /// <summary>The replicas not yet failed for these items, else those failed once (at least one is left).</summary>
    private static string[] Untried(string[] replicas, Dictionary<string, int> failures)
    {
        var fresh = replicas.Where(r => failures.GetValueOrDefault(r) == 0).ToArray();
        return fresh.Length > 0 ? fresh : replicas.Where(r => failures.GetValueOrDefault(r) < 2).ToArray();
    }

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
