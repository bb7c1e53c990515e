using Gearbox.Batching;
using Gearbox.Contracts.Monitoring;
using Gearbox.Contracts.Serving;
using Gearbox.Devices;
using Gearbox.Monitoring;
using Gearbox.Planning.Control;
using Gearbox.Inference;
using Gearbox.Models;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Gearbox.Serving;

/// <summary>
/// One model replica. Items wait in an earliest-deadline-first queue; one batch runs at a time on the
/// engine's own thread, sized by <see cref="BatchPolicy"/>; hopeless items are answered at once. Each
/// call is one <see cref="WorkerCall"/> (one completion for all its items); the queue holds small
/// entries pointing at the call and the item, and the engine copies each item's bytes once into the
/// batch tensor.
/// Reentrant, so new items queue up while a batch runs. A new activation (the old one was deactivated,
/// or its silo left) asks its stage for its settings before it serves its first item.
/// </summary>
[Reentrant]
[DevicePlacement] // on a silo with devices, a model's replicas spread over silos (docs/devices.md)
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class WorkerGrain(ModelRuntime runtime, ILocalSiloDetails silo, GearControlOptions control, WorkerPlacement placement, ILogger<WorkerGrain> logger)
    : Grain, IWorkerGrain
{
    /// <summary>How often a worker checks that it is still on the silo placement would choose, and how many checks in a row must disagree before it moves.</summary>
    private static readonly TimeSpan PlacementCheckPeriod = TimeSpan.FromSeconds(2);
    private const int ChecksBeforeMoving = 2;

    /// <summary>Workers that moved away from this silo, and when: one placed straight back (silos' views differ for a while) waits before moving again.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> MovedAway = new(StringComparer.Ordinal);
    private static readonly TimeSpan MoveBackoff = TimeSpan.FromMinutes(1);

    private readonly WorkerCounter _counter = new();
    private readonly EdfQueue<WorkerCall.Entry> _queue = new();
    private InferenceEngine? _engine;
    private WorkerSettings? _settings;
    private LatencyTracker _latency = new(null);
    private BatchPolicy? _policy;
    private Task _batching = Task.CompletedTask;
    private bool _batchLoopRunning;
    private long _served, _dropped, _batches, _batchItems;
    private int _largestBatch;
    private double _queueDelayMs, _busyMs;
    private Task? _recovery;
    private int? _emulatedDevice; // with emulated devices: the one this worker's batches run on
    private int _misplacedChecks;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var monitor = GrainFactory.GetGrain<IMonitorGrain>(MonitorKey.Of(key));
        var period = TimeSpan.FromMilliseconds(control.WindowMs);
        this.RegisterGrainTimer(() => _settings is not null && _counter.Take(key, _settings.Model, _queue.Count) is { } report
            ? monitor.ReportWorker(report) : Task.CompletedTask, new GrainTimerCreationOptions(period, period));
        this.RegisterGrainTimer(CheckPlacement, new GrainTimerCreationOptions(PlacementCheckPeriod, PlacementCheckPeriod));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Activations stay where they were placed, so workers placed before a silo joined (or before its devices
    /// were known here) would never use it. A worker that placement would now put on another silo, in two
    /// checks in a row (membership settles), deactivates once idle; its next call activates it there, and it
    /// fetches its settings from its stage (calls that arrive meanwhile wait for the new activation).
    /// </summary>
    private Task CheckPlacement()
    {
        if (_settings is null) return Task.CompletedTask;
        var belongs = placement.ChooseAmongLive(this.GetPrimaryKeyString());
        _misplacedChecks = belongs is null || belongs.Equals(silo.SiloAddress) ? 0 : _misplacedChecks + 1;
        if (_misplacedChecks < ChecksBeforeMoving) return Task.CompletedTask;
        var key = this.GetPrimaryKeyString();
        if (MovedAway.TryGetValue(key, out var movedAt) && DateTimeOffset.UtcNow - movedAt < MoveBackoff) return Task.CompletedTask;
        MovedAway[key] = DateTimeOffset.UtcNow;
        logger.LogInformation("Worker {Worker} moves from {Silo} to {Target}: the cluster's devices changed", this.GetPrimaryKeyString(), silo.SiloAddress, belongs);
        _misplacedChecks = int.MinValue; // once
        return Retire();
    }

    public async Task Configure(WorkerSettings settings)
    {
        if (!ModelZoo.TryGet(settings.Model, out var spec))
            throw new ArgumentException($"Unknown model '{settings.Model}'.");
        if (settings.MaxBatch < 1 || settings.Threads < 1 || settings.Threads > Environment.ProcessorCount)
            throw new ArgumentException($"Worker settings out of range: max batch {settings.MaxBatch} (≥1), threads {settings.Threads} (1..{Environment.ProcessorCount}).");

        // What this worker learned of its latency carries over a gear switch that keeps model, device and threads.
        var sameEngine = _engine is not null && _settings!.Model == settings.Model && _settings.Device == settings.Device;
        var keepLatency = sameEngine && _settings!.Threads == settings.Threads;
        if (!sameEngine)
        {
            var previous = _engine;
            _engine = await Task.Run(() => runtime.CreateEngine(settings.Model, settings.Device, settings.Threads));
            previous?.Dispose();
            if (_settings is not null) GearboxMetrics.Workers.Add(-1, new KeyValuePair<string, object?>("model", _settings.Model));
            GearboxMetrics.Workers.Add(1, new KeyValuePair<string, object?>("model", settings.Model));
        }
        else if (!keepLatency)
        {
            _engine!.SetThreads(settings.Threads); // in-place vertical scaling: queue and engine stay
        }
        if (!keepLatency)
        {
            var profile = runtime.Profile(spec.Name);
            // The profile measured at this worker's thread count when there is one; else the base table, scaled.
            _latency = profile?.LatencyFor(settings.Threads) is not null
                ? new LatencyTracker(b => profile.LatencyMs(b, settings.Threads), settings.Threads, settings.Threads)
                : new LatencyTracker(profile is null ? null : profile.LatencyMs, profile?.Threads ?? 1, settings.Threads);
        }
        _policy = new BatchPolicy(_latency.EstimateMs, settings.MaxBatch);
        _settings = settings;
        if (runtime.Devices.IsOn) _emulatedDevice = runtime.Devices.Assign(this.GetPrimaryKeyString());
        logger.LogDebug("Worker {Worker} runs {Model} on {Device}, max batch {MaxBatch}, {Threads} thread(s)",
            this.GetPrimaryKeyString(), settings.Model, _emulatedDevice is { } d ? $"emulated device {d} ({runtime.Devices.Profile!.DeviceLabel}; real compute on {_engine!.Device})" : _engine!.Device,
            settings.MaxBatch, settings.Threads);
    }

    public async Task<ItemResult[]> Infer(ImageBatch inputs, double deadlineUnixMs, CancellationToken cancellation = default)
    {
        if (_engine is null || _policy is null)
            await RecoverSettings();
        if (_engine is null || _policy is null) // the activation is being deactivated
            throw new WorkerNotConfiguredException($"Worker '{this.GetPrimaryKeyString()}' has not been configured.");
        ArgumentNullException.ThrowIfNull(inputs);
        var size = _engine.Spec.InputSize;
        if (inputs.ItemSize != size) throw new ArgumentException($"The items hold {inputs.ItemSize} pixels each, not the {size} of model '{_engine.Spec.Name}'.");
        if (inputs.Count == 0) return [];

        var call = new WorkerCall(inputs, UnixClock.NowMs, cancellation);
        for (var i = 0; i < inputs.Count; i++) _queue.Enqueue(new WorkerCall.Entry(call, i), deadlineUnixMs);
        if (!_batchLoopRunning)
        {
            _batchLoopRunning = true;
            _batching = RunBatchesAsync();
        }
        return await call.Done;
    }

    public Task<WorkerStats> GetStats() => Task.FromResult(new WorkerStats(
        this.GetPrimaryKeyString(), _settings?.Model ?? "", _served, _dropped, _batches,
        _batches == 0 ? 0 : (double)_batchItems / _batches,
        _served == 0 ? 0 : _queueDelayMs / _served, _busyMs, _queue.Count,
        _settings ?? new WorkerSettings("", 0), silo.SiloAddress.ToString(), _largestBatch));

    public async Task Retire()
    {
        while (_batchLoopRunning) await _batching;
        DeactivateOnIdle();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_engine is not null && _settings is not null) GearboxMetrics.Workers.Add(-1, new KeyValuePair<string, object?>("model", _settings.Model));
        _engine?.Dispose();
        _engine = null;
        if (_emulatedDevice is not null) runtime.Devices.Release(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    /// <summary>
    /// Gets this worker's settings from its stage and configures itself (loads and warms the engine). Items
    /// that arrive meanwhile wait for the same recovery; a failed one is tried again by the next item.
    /// The stage is reentrant, so asking it while it awaits this worker cannot deadlock.
    /// </summary>
    private async Task RecoverSettings()
    {
        var recovery = _recovery ??= FetchAndApplySettings();
        try
        {
            await recovery;
        }
        finally
        {
            if (ReferenceEquals(_recovery, recovery)) _recovery = null;
        }
    }

    private async Task FetchAndApplySettings()
    {
        var key = this.GetPrimaryKeyString();
        var stageKey = StageConfigurationRules.StageKeyOf(key);
        var settings = stageKey is null ? null : await GrainFactory.GetGrain<IStageGrain>(stageKey).GetWorkerSettings(key);
        if (settings is null)
            throw new WorkerNotConfiguredException($"Worker '{key}' has not been configured and its stage has no settings for it.");
        if (_engine is null || _policy is null) // the stage may have configured this worker while we asked
            await Configure(settings);
        logger.LogInformation("Worker {Worker} recovered its settings from stage {Stage}: {Settings}", key, stageKey, settings);
    }

    /// <summary>Runs batches until the queue is empty; at most one of these runs at a time.</summary>
    private async Task RunBatchesAsync()
    {
        try
        {
            while (_queue.Count > 0)
            {
                var now = UnixClock.NowMs;
                var decision = _policy!.Decide(_queue.Deadlines, now);
                var model = _settings!.Model;
                foreach (var hopeless in _queue.DequeueFront(decision.Drop))
                {
                    hopeless.Answer(ItemResult.Dropped(model));
                    CountDrop(model);
                }
                if (decision.Batch == 0) continue;
                // Items whose caller gave up (or whose call already failed) are not run: their call has ended. They count as drops.
                var batch = new List<WorkerCall.Entry>(decision.Batch);
                foreach (var item in _queue.DequeueFront(decision.Batch))
                {
                    if (item.Call.Cancellation.IsCancellationRequested) item.Call.Cancel();
                    if (!item.Call.HasEnded) { batch.Add(item); continue; }
                    CountDrop(model);
                }
                if (batch.Count > 0) await RunBatchAsync(batch, now);
            }
        }
        finally
        {
            _batchLoopRunning = false;
        }
    }

    private void CountDrop(string model)
    {
        _dropped++;
        _counter.Dropped(1);
        GearboxMetrics.Drops.Add(1, new KeyValuePair<string, object?>("model", model));
    }

    private async Task RunBatchAsync(List<WorkerCall.Entry> batch, double startedAt)
    {
        var engine = _engine!;
        var model = engine.Spec.Name;
        var tag = new KeyValuePair<string, object?>("model", model);
        var items = new ImageItem[batch.Count];
        for (var i = 0; i < batch.Count; i++) items[i] = batch[i].Item;
        try
        {
            var output = await InferAsync(engine, items);
            _latency.Observe(batch.Count, output.ComputeMs);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Answer(new ItemResult(ItemStatus.Ok, output.Labels[i], output.Confidence[i], model, output.TileMask?[i]));
                var waited = startedAt - batch[i].Call.EnqueuedAt;
                _queueDelayMs += waited;
                GearboxMetrics.QueueDelay.Record(waited, tag);
            }
            _served += batch.Count;
            _batches++;
            _batchItems += batch.Count;
            _largestBatch = Math.Max(_largestBatch, batch.Count);
            _counter.Batch(batch.Count, output.ComputeMs);
            _busyMs += output.ComputeMs;
            GearboxMetrics.Served.Add(batch.Count, tag);
            GearboxMetrics.BatchSize.Record(batch.Count, tag);
            GearboxMetrics.BatchDuration.Record(output.ComputeMs, tag);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Batch of {Count} failed on worker {Worker}", batch.Count, this.GetPrimaryKeyString());
            foreach (var item in batch) item.Call.Fail(e);
        }
    }

    /// <summary>The engine's forward pass; on an emulated device, also held until the device's profiled latency (its time is the batch's).</summary>
    private async Task<InferenceOutput> InferAsync(InferenceEngine engine, ImageItem[] items)
    {
        if (_emulatedDevice is not { } device) return await engine.InferAsync(items);
        var profiled = runtime.Profile(engine.Spec.Name)?.LatencyMs(items.Length)
            ?? throw new InvalidOperationException($"Model '{engine.Spec.Name}' has no profile to emulate its device latency from; run './gearbox profile'.");
        var (output, completion) = await runtime.Devices.RunAsync(device, profiled, () => engine.InferAsync(items));
        return output with { ComputeMs = completion.DeviceMs };
    }
}
