using Gearbox.Contracts.Serving;
using Gearbox.Data;
using Gearbox.Monitoring;
using Microsoft.Extensions.Logging;

namespace Gearbox.Serving;

/// <summary>
/// Runs requests along a <see cref="PipelineRoute"/>, calling the workers directly: a cascade stage
/// sends every item to a replica of its first model and keeps answers that reach the model's threshold,
/// the rest go on to the next model (the last one always answers); a tile-split stage's occupied tiles
/// all go, in one call, to the cascade stage after it. Replicas are picked by least outstanding work;
/// one that fails is routed around (<see cref="RunOnReplica"/>). Counts what it does into the
/// monitor's stage counters and the pipeline's snapshot tally. Used by one grain activation at a time.
/// </summary>
public sealed class PipelineRunner(GrainReferences<IWorkerGrain> workers, ILogger log)
{
    private readonly WorkerPicker _picker = new();
    private readonly Dictionary<string, StageCounter> _stageCounters = new(StringComparer.Ordinal);

    public ServingTally Tally { get; } = new();

    /// <summary>The stage counters, by stage key, for the monitor's reports.</summary>
    public IReadOnlyDictionary<string, StageCounter> StageCounters => _stageCounters;

    public async Task<PipelineItem[]> Run(PipelineRoute route, ImageBatch inputs, double deadline, CancellationToken cancellation)
    {
        var items = await RunStages(route, inputs, deadline, cancellation);
        Tally.Request(items);
        return items;
    }

    private async Task<PipelineItem[]> RunStages(PipelineRoute route, ImageBatch inputs, double deadline, CancellationToken cancellation)
    {
        var first = route.Stages[0];
        var answers = await RunStage(first, inputs, deadline, cancellation);
        if (first.Definition.Kind == StageKind.Cascade)
            return answers.Select(a => new PipelineItem(a.Status, [a.Label], [a.Confidence], [a.Model])).ToArray();
        if (route.Stages.Length == 1)
            return answers.Select(a => a.Status != ItemStatus.Ok
                ? Dropped(GridImages.Tiles)
                : new PipelineItem(ItemStatus.Ok, a.Mask!.Select(m => m ? 1 : 0).ToArray(), Enumerable.Repeat(a.Confidence, a.Mask!.Length).ToArray(),
                    Enumerable.Repeat(a.Model, a.Mask!.Length).ToArray())).ToArray();
        return await ClassifyTiles(inputs, answers, route.Stages[1], deadline, cancellation);
    }

    /// <summary>Fan-out: every occupied tile of every grid goes to the next stage in one call, cut into one new batch.</summary>
    private async Task<PipelineItem[]> ClassifyTiles(ImageBatch grids, ItemResult[] detections, StageRoute next, double deadline, CancellationToken cancellation)
    {
        var owners = new List<(int Grid, int Tile)>();
        for (var g = 0; g < grids.Count; g++)
        {
            if (detections[g].Status != ItemStatus.Ok) continue;
            for (var t = 0; t < GridImages.Tiles; t++)
                if (detections[g].Mask![t]) owners.Add((g, t));
        }
        var answers = owners.Count == 0 ? [] : await RunStage(next, GridImages.CutTiles(grids, owners), deadline, cancellation);

        var items = new PipelineItem[grids.Count];
        for (var g = 0; g < grids.Count; g++)
            items[g] = detections[g].Status == ItemStatus.Ok
                ? new PipelineItem(ItemStatus.Ok, [-1, -1, -1, -1], new float[GridImages.Tiles], ["", "", "", ""])
                : Dropped(GridImages.Tiles);
        for (var k = 0; k < answers.Length; k++)
        {
            var (g, t) = owners[k];
            if (answers[k].Status != ItemStatus.Ok) { items[g] = Dropped(GridImages.Tiles); continue; }
            if (items[g].Status != ItemStatus.Ok) continue;
            items[g].Labels[t] = answers[k].Label;
            items[g].Confidence[t] = answers[k].Confidence;
            items[g].Models[t] = answers[k].Model;
        }
        return items;
    }

    /// <summary>One stage's cascade over its models; models without replicas in this gear are skipped, the last one with replicas always answers.</summary>
    private async Task<ItemResult[]> RunStage(StageRoute stage, ImageBatch inputs, double deadline, CancellationToken cancellation)
    {
        var counter = StageCounter(stage.Key);
        var models = stage.Definition.Models;
        var results = new ItemResult[inputs.Count];
        var open = Enumerable.Range(0, inputs.Count).ToList();
        var lastServed = Array.FindLastIndex(stage.Workers, w => w.Length > 0);
        for (var m = 0; m <= lastServed && open.Count > 0; m++)
        {
            if (stage.Workers[m].Length == 0) continue;
            var model = models[m];
            counter.Sent(model, open.Count);
            // The first model gets the request's batch itself; later ones a view of the items still open (same buffer).
            var sent = open.Count == inputs.Count ? inputs : inputs.Select(open);
            var answers = await RunOnReplica(model, stage.Workers[m], sent, deadline, cancellation);
            var isLast = m == lastServed;
            var stillOpen = new List<int>();
            for (var j = 0; j < open.Count; j++)
            {
                var answer = answers[j];
                if (answer.Status == ItemStatus.Ok && !isLast && answer.Confidence < stage.Configuration.Thresholds[m])
                {
                    stillOpen.Add(open[j]);
                    continue;
                }
                results[open[j]] = answer;
                Tally.Answered(stage.Definition.Name, answer);
            }
            counter.Forwarded(model, stillOpen.Count);
            open = stillOpen;
        }
        Tally.StageItems(stage.Definition.Name, inputs.Count);
        return results;
    }

    /// <summary>
    /// Runs the items on the replica with the least outstanding work. When that call fails for a reason of
    /// the replica (its activation or silo is gone, a timeout, a failed batch: anything but
    /// <see cref="ArgumentException"/>, which bad items would raise on every replica, or the caller's
    /// cancellation), the items go to a replica that has not failed for them yet, else once more to one
    /// that failed once: each replica is tried at most twice. Once the deadline has passed, the items are
    /// answered DeadlineExceeded rather than retried. A worker without settings (its activation and its
    /// stage's were lost, or a stale route named a retired one) fails like any other; when every replica
    /// has, the caller asks the pipeline to configure its stages again (<see cref="IPipelineGrain.Repair"/>).
    /// </summary>
    private async Task<ItemResult[]> RunOnReplica(string model, string[] replicas, ImageBatch items, double deadlineUnixMs, CancellationToken cancellation)
    {
        Dictionary<string, int>? failures = null;
        while (true)
        {
            var key = _picker.Pick(failures is null ? replicas : Untried(replicas, failures));
            _picker.Started(key, items.Count);
            try
            {
                return await workers.Get(key).Infer(items, deadlineUnixMs, cancellation);
            }
            catch (Exception e) when (e is not ArgumentException && !cancellation.IsCancellationRequested)
            {
                failures ??= new(StringComparer.Ordinal);
                var failed = failures[key] = failures.GetValueOrDefault(key) + 1;
                log.LogWarning(e, "{Count} item(s) failed on worker {Worker} ({Failure} of its 2 tries)", items.Count, key, failed);
                if (UnixClock.NowMs >= deadlineUnixMs)
                    return Enumerable.Repeat(ItemResult.Dropped(model), items.Count).ToArray();
                if (replicas.All(r => failures.GetValueOrDefault(r) >= 2))
                {
                    // A lost configuration is the caller's to repair (IPipelineGrain.Repair); anything else ends here, with the reason.
                    if (e is WorkerNotConfiguredException or StageNotConfiguredException) throw;
                    throw new ReplicasFailedException(
                        $"All {replicas.Length} replica(s) of '{model}' failed twice; last: {e.GetType().Name}: {e.Message.Split('\n', 2)[0]}");
                }
            }
            finally
            {
                _picker.Finished(key, items.Count);
            }
        }
    }

    /// <summary>The replicas not yet failed for these items, else those failed once (at least one is left).</summary>
    private static string[] Untried(string[] replicas, Dictionary<string, int> failures)
    {
        var fresh = replicas.Where(r => failures.GetValueOrDefault(r) == 0).ToArray();
        return fresh.Length > 0 ? fresh : replicas.Where(r => failures.GetValueOrDefault(r) < 2).ToArray();
    }

    private StageCounter StageCounter(string stageKey)
    {
        if (!_stageCounters.TryGetValue(stageKey, out var counter))
            _stageCounters[stageKey] = counter = new StageCounter(stageKey);
        return counter;
    }

    private static PipelineItem Dropped(int slots) =>
        new(ItemStatus.DeadlineExceeded, Enumerable.Repeat(-1, slots).ToArray(), new float[slots], Enumerable.Repeat("", slots).ToArray());
}
