using Gearbox.Contracts.Monitoring;
using Gearbox.Contracts.Serving;
using Gearbox.Monitoring;
using System.Text.Json;
using Gearbox.Planning.Control;
using Gearbox.Storage;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Gearbox.Serving;

/// <summary>
/// What the pipeline grain keeps durably (document <c>pipelines/{name}</c> of the document store): each stage's
/// configuration in force and the route version, so a new activation (every silo restarted, or its silo lost)
/// serves what the last gear set, under a route version the routers take as newer than any they hold.
/// </summary>
public sealed class PipelineState
{
    public const string Partition = "pipelines";

    public Dictionary<string, StageConfiguration> Stages { get; set; } = [];
    public long RouteVersion { get; set; }
}

/// <summary>
/// A pipeline, keyed by name, as the catalog declares it: owns its stages' configuration and the route
/// (<see cref="PipelineRoute"/>) routers copy, versioned so they notice a gear switch. Requests from the
/// gateway go through the routers (<see cref="PipelineRouterGrain"/>); <see cref="Infer"/> here runs the
/// same way on the authoritative route, for grain clients. The snapshot counters add up what this grain
/// and every router served. Stage configurations are kept in the document store (<see cref="PipelineState"/>);
/// a stage without a usable stored one starts from <see cref="InitialConfigurations"/>. Not Orleans grain
/// state on purpose: with the store down, a pipeline must still activate (from its initial configuration)
/// and serve, where grain state would fail the activation.
/// </summary>
[Reentrant]
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class PipelineGrain(
    PipelineCatalog catalog, InitialConfigurations initial, IGrainFactory grains, IDocumentStore store, GearControlOptions control, ILogger<PipelineGrain> log)
    : Grain, IPipelineGrain
{
    private readonly SemaphoreSlim _writing = new(1, 1); // reentrant grain: one state write at a time, the latest last
    private PipelineState _state = new();
    private EntranceCounter _counter = null!;
    private PipelineDefinition _definition = null!;
    private readonly Dictionary<string, StageConfiguration> _configurations = new(StringComparer.Ordinal);
    private readonly GrainReferences<IStageGrain> _stages = new(grains);
    private readonly ServingTally _counts = new();
    private PipelineRunner _runner = null!;
    private PipelineRoute _route = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _definition = catalog.Get(this.GetPrimaryKeyString());
        _counter = new EntranceCounter($"{this.GetGrainId()}@{RuntimeIdentity}", UnixClock.NowMs);
        _runner = new PipelineRunner(new GrainReferences<IWorkerGrain>(grains), log);
        _state = await LoadState();
        foreach (var stage in _definition.Stages)
            _configurations[stage.Name] = Restored(stage) ?? initial.For(_definition, stage);
        _route = PipelineRoutes.Build(_definition, _configurations, version: _state.RouteVersion + 1);
        await ConfigureStages();
        var monitor = GrainFactory.GetGrain<IMonitorGrain>(_definition.Name);
        var period = TimeSpan.FromMilliseconds(control.WindowMs);
        this.RegisterGrainTimer(() => ServingReports.Send(monitor, _counter, _runner.StageCounters),
            new GrainTimerCreationOptions(period, period));
    }

    public async Task<PipelineItem[]> Infer(ImageBatch inputs, double deadlineUnixMs, CancellationToken cancellation = default)
    {
        var started = UnixClock.NowMs;
        _counter.Arrived();
        PipelineItem[] items = [];
        try
        {
            try
            {
                items = await _runner.Run(_route, inputs, deadlineUnixMs, cancellation);
            }
            catch (Exception e) when (e is StageNotConfiguredException or WorkerNotConfiguredException)
            {
                await ConfigureStages(); // a stage lost its activation (e.g. its silo left): give it its configuration again
                items = await _runner.Run(_route, inputs, deadlineUnixMs, cancellation);
            }
        }
        finally
        {
            _counter.Finished(UnixClock.NowMs - started, dropped: items.Length == 0 || items.Any(i => i.Status != ItemStatus.Ok));
        }
        return items;
    }

    public async Task Configure(string stage, StageConfiguration configuration)
    {
        var definition = _definition.Stages.FirstOrDefault(s => s.Name == stage)
            ?? throw new ArgumentException($"Pipeline '{_definition.Name}' has no stage '{stage}'.");
        await Stage(stage).Configure(definition, configuration);
        _configurations[stage] = configuration;
        _route = PipelineRoutes.Build(_definition, _configurations, _route.Version + 1);
        await Record(stage, configuration);
        // Routers check the version once a window: after one more window, every request they start runs on this route.
        await Task.Delay(TimeSpan.FromMilliseconds(control.WindowMs));
    }

    public async Task<PipelineSnapshot> GetSnapshot()
    {
        var stages = await Task.WhenAll(_definition.Stages.Select(s => Stage(s.Name).GetSnapshot()));
        if (_runner.Tally.Take() is { } own) _counts.Add(own); // this grain's own requests join the routers' in one total
        var withCounts = stages.Select(s =>
        {
            var c = _counts.Stage(s.Definition.Name);
            return s with { Items = c.Items, Dropped = c.Dropped, AnsweredBy = c.AnsweredBy };
        }).ToArray();
        return new PipelineSnapshot(_definition, _counts.Requests, _counts.Items, _counts.Dropped, withCounts);
    }

    public Task<PipelineRoute> GetRoute() => Task.FromResult(_route);

    public Task<long> GetRouteVersion() => Task.FromResult(_route.Version);

    public async Task<PipelineRoute> Repair(long version)
    {
        if (version == _route.Version) await ConfigureStages();
        return _route;
    }

    public Task AddCounts(ServingCounts counts)
    {
        _counts.Add(counts);
        return Task.CompletedTask;
    }

    /// <summary>The stored state; none (initial configurations) when there is none or the store cannot answer.</summary>
    private async Task<PipelineState> LoadState()
    {
        try
        {
            var document = await store.GetAsync(PipelineState.Partition, _definition.Name);
            return document is null ? new() : JsonSerializer.Deserialize<PipelineState>(document.Json, StorageJson.Options) ?? new();
        }
        catch (Exception e) when (e is StoreUnavailableException or JsonException)
        {
            log.LogWarning("{Pipeline}: its stored configuration cannot be read, so it starts from the initial one: {Reason}", _definition.Name, e.Message);
            return new();
        }
    }

    /// <summary>The stored configuration of <paramref name="stage"/>, when there is one and it still fits the stage's definition.</summary>
    private StageConfiguration? Restored(StageDefinition stage)
    {
        if (!_state.Stages.TryGetValue(stage.Name, out var stored)) return null;
        try
        {
            StageConfigurationRules.Validate(stage, stored);
            log.LogInformation("{Pipeline}/{Stage}: configuration restored from storage", _definition.Name, stage.Name);
            return stored;
        }
        catch (ArgumentException e)
        {
            log.LogWarning("{Pipeline}/{Stage}: the stored configuration no longer fits the stage ({Reason}); starting from the initial one", _definition.Name, stage.Name, e.Message);
            return null;
        }
    }

    /// <summary>Stores the configuration now in force; with the store down it stays in force, only unrecorded.</summary>
    private async Task Record(string stage, StageConfiguration configuration)
    {
        await _writing.WaitAsync();
        try
        {
            _state.Stages[stage] = configuration;
            _state.RouteVersion = _route.Version;
            // Unconditional: the one activation of this pipeline is its only writer.
            await store.PutAsync(PipelineState.Partition, _definition.Name, JsonSerializer.Serialize(_state, StorageJson.Options), DocumentETag.Any);
        }
        catch (StoreUnavailableException e)
        {
            log.LogWarning("{Pipeline}/{Stage}: the new configuration is in force but not recorded: {Reason}", _definition.Name, stage, e.Message);
        }
        finally
        {
            _writing.Release();
        }
    }

    private Task ConfigureStages() =>
        Task.WhenAll(_definition.Stages.Select(s => Stage(s.Name).Configure(s, _configurations[s.Name])));

    private IStageGrain Stage(string name) => _stages.Get(PipelineRoutes.StageKey(_definition.Name, name));
}
