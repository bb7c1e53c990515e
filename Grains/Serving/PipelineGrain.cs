using Gearbox.Contracts.Monitoring;
using Gearbox.Contracts.Serving;
using Gearbox.Data;
using Gearbox.Monitoring;
using Gearbox.Planning.Control;
using Orleans.Concurrency;

namespace Gearbox.Serving;

/// <summary>
/// A pipeline, keyed by name, as the catalog declares it: one cascade stage, or a tile-split stage
/// whose occupied tiles all go, in one call, to the cascade stage after it (results gathered in tile order).
/// </summary>
[Reentrant]
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class PipelineGrain(PipelineCatalog catalog, InitialConfigurations initial, IGrainFactory grains, GearControlOptions control) : Grain, IPipelineGrain
{
    private EntranceCounter _counter = null!;
    private PipelineDefinition _definition = null!;
    private readonly Dictionary<string, StageConfiguration> _configurations = new(StringComparer.Ordinal);
    private readonly GrainReferences<IStageGrain> _stages = new(grains);
    private long _requests, _items, _dropped;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _definition = catalog.Get(this.GetPrimaryKeyString());
        _counter = new EntranceCounter($"{this.GetGrainId()}@{RuntimeIdentity}", UnixClock.NowMs);
        foreach (var stage in _definition.Stages)
            _configurations[stage.Name] = initial.For(_definition, stage);
        await ConfigureStages();
        var monitor = GrainFactory.GetGrain<IMonitorGrain>(_definition.Name);
        var period = TimeSpan.FromMilliseconds(control.WindowMs);
        this.RegisterGrainTimer(() => _counter.Take(UnixClock.NowMs) is { } report ? monitor.ReportEntrance(report) : Task.CompletedTask,
            new GrainTimerCreationOptions(period, period));
    }

    public async Task<PipelineItem[]> Infer(float[][] inputs, double deadlineUnixMs)
    {
        var started = UnixClock.NowMs;
        _counter.Arrived();
        PipelineItem[] items = [];
        try
        {
            try
            {
                items = await Run(inputs, deadlineUnixMs);
            }
            catch (Exception e) when (e is StageNotConfiguredException or WorkerNotConfiguredException)
            {
                await ConfigureStages(); // a stage lost its activation (e.g. its silo left): give it its configuration again
                items = await Run(inputs, deadlineUnixMs);
            }
        }
        finally
        {
            _counter.Finished(UnixClock.NowMs - started, dropped: items.Length == 0 || items.Any(i => i.Status != ItemStatus.Ok));
        }
        _requests++;
        _items += items.Length;
        _dropped += items.Count(i => i.Status != ItemStatus.Ok);
        return items;
    }

    public async Task Configure(string stage, StageConfiguration configuration)
    {
        var definition = _definition.Stages.FirstOrDefault(s => s.Name == stage)
            ?? throw new ArgumentException($"Pipeline '{_definition.Name}' has no stage '{stage}'.");
        await Stage(stage).Configure(definition, configuration);
        _configurations[stage] = configuration;
    }

    public async Task<PipelineSnapshot> GetSnapshot()
    {
        var stages = await Task.WhenAll(_definition.Stages.Select(s => Stage(s.Name).GetSnapshot()));
        return new PipelineSnapshot(_definition, _requests, _items, _dropped, stages);
    }

    private Task ConfigureStages() =>
        Task.WhenAll(_definition.Stages.Select(s => Stage(s.Name).Configure(s, _configurations[s.Name])));

    private IStageGrain Stage(string name) => _stages.Get($"{_definition.Name}/{name}");

    private async Task<PipelineItem[]> Run(float[][] inputs, double deadline)
    {
        var first = _definition.Stages[0];
        var answers = await Stage(first.Name).Run(inputs, deadline);
        if (first.Kind == StageKind.Cascade)
            return answers.Select(a => new PipelineItem(a.Status, [a.Label], [a.Confidence], [a.Model])).ToArray();
        if (_definition.Stages.Length == 1)
            return answers.Select(a => a.Status != ItemStatus.Ok
                ? Dropped(GridImages.Tiles)
                : new PipelineItem(ItemStatus.Ok, a.Mask!.Select(m => m ? 1 : 0).ToArray(), Enumerable.Repeat(a.Confidence, a.Mask!.Length).ToArray(),
                    Enumerable.Repeat(a.Model, a.Mask!.Length).ToArray())).ToArray();
        return await ClassifyTiles(inputs, answers, _definition.Stages[1], deadline);
    }

    /// <summary>Fan-out: every occupied tile of every grid goes to the next stage in one call.</summary>
    private async Task<PipelineItem[]> ClassifyTiles(float[][] grids, ItemResult[] detections, StageDefinition next, double deadline)
    {
        var tiles = new List<float[]>();
        var owners = new List<(int Grid, int Tile)>();
        for (var g = 0; g < grids.Length; g++)
        {
            if (detections[g].Status != ItemStatus.Ok) continue;
            for (var t = 0; t < GridImages.Tiles; t++)
            {
                if (!detections[g].Mask![t]) continue;
                tiles.Add(GridImages.CutTile(grids[g], t));
                owners.Add((g, t));
            }
        }
        var answers = tiles.Count == 0 ? [] : await Stage(next.Name).Run(tiles.ToArray(), deadline);

        var items = new PipelineItem[grids.Length];
        for (var g = 0; g < grids.Length; g++)
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

    private static PipelineItem Dropped(int slots) =>
        new(ItemStatus.DeadlineExceeded, Enumerable.Repeat(-1, slots).ToArray(), new float[slots], Enumerable.Repeat("", slots).ToArray());
}
