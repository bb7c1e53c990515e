using Gearbox.Contracts.Monitoring;
using Gearbox.Contracts.Planning;
using Gearbox.Contracts.Serving;
using Gearbox.Devices;
using Gearbox.Planning;
using Gearbox.Planning.Baselines;
using Gearbox.Planning.Control;
using Gearbox.Storage;
using Microsoft.Extensions.Logging;

namespace Gearbox.Serving;

/// <summary>What the planner grain keeps durably (grain storage "gearbox": memory, or Azure Tables).</summary>
[GenerateSerializer, Alias("gearbox.planner-state")]
public sealed class PlannerState
{
    [Id(0)] public GearPlan? Plan { get; set; }
    [Id(1)] public AppliedGear? Applied { get; set; }
    [Id(2)] public GearMode Mode { get; set; }
    [Id(3)] public List<GearShift> History { get; set; } = [];
}

/// <summary>
/// A thin shell around <see cref="GearPlanner"/>, <see cref="GearTable"/> and <see cref="GearController"/>:
/// plans from the model profiles, keeps the plan in grain state and each version in the plan history,
/// and applies gears to the pipeline grain — by hand (pinned), or every monitoring window from the
/// load the pipeline's monitor estimates (auto). If the store goes down, the plan in memory keeps serving.
/// </summary>
public sealed class GearPlannerGrain(
    [PersistentState("planner", GearboxStorageRegistration.GrainStorageName)] IPersistentState<PlannerState> state,
    PipelineCatalog catalog, ModelRuntime runtime, IDocumentStore store, GearControlOptions control, TimeProvider clock,
    LocalDevices devices, ILogger<GearPlannerGrain> logger) : Grain, IGearPlannerGrain
{
    /// <summary>After a gear failed to apply, the controller waits this long before trying again.</summary>
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private GearTable? _table;
    private PipelineModel? _model;
    private GearController _controller = null!;
    private ReactiveLoop? _reactive;
    private IGrainTimer? _loop;
    private LoadEstimate? _estimate;
    private DateTimeOffset _retryAt;
    private DateTimeOffset? _lastTick;
    private double _deviceSeconds;
    private int _budget; // the device budget last seen (live silos' devices, or Gearbox:Control:Devices)

    private string Pipeline => this.GetPrimaryKeyString();
    private IMonitorGrain Monitor => GrainFactory.GetGrain<IMonitorGrain>(Pipeline);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _controller = new GearController(control, clock);
        _budget = devices.Budget(control);
        if (state.State.Plan is { } plan) _table = new GearTable(plan);
        // A planner that was switching before its activation was lost (silo restart, failover) resumes by itself.
        if (state.State.Mode == GearMode.Auto && control.Policy == ControlPolicy.Reactive)
        {
            try { _reactive = new ReactiveLoop(_model = BuildModel(), control, clock); }
            catch (PlanningImpossibleException e) { logger.LogWarning("{Pipeline}: the reactive baseline cannot resume: {Reason}", Pipeline, e.Message); }
        }
        if (state.State.Mode == GearMode.Auto && (_table is not null || _reactive is not null)) StartLoop();
        return Task.CompletedTask;
    }

    public Task<GearPlan?> GetPlan() => Task.FromResult(state.State.Plan);

    public Task<AppliedGear?> GetApplied() => Task.FromResult(state.State.Applied);

    public async Task<GearPlan> Replan(PlanRequest request)
    {
        if (request.Pipeline != Pipeline) throw new ArgumentException($"This is the planner of '{Pipeline}', not '{request.Pipeline}'.");
        GearPlan plan;
        PipelineModel model;
        try
        {
            model = BuildModel();
            plan = await Task.Run(() => control.Policy switch
            {
                ControlPolicy.Static => BaselinePlans.Static(model, request, control.PeakLoad),
                ControlPolicy.Switching => BaselinePlans.Switching(model, request),
                _ => new GearPlanner(model).Plan(request),
            });
        }
        catch (PlanningImpossibleException e)
        {
            throw new ArgumentException(e.Message); // a well-known type, so the reason crosses the wire intact
        }
        if (devices.Options.IsEmulated)
            plan = plan with { Notes = [.. plan.Notes, $"Devices are EMULATED ({devices.Label}): latency tables from the emulated profile, accuracies the models' own; the serving path's host CPU is not charged (docs/devices.md)."] };
        var previous = state.State.Plan;
        try
        {
            var saved = await new PlanHistory<GearPlan>(store, Pipeline).SaveNewVersionAsync(plan);
            plan = plan with { Version = saved.Version };
            state.State.Plan = plan;
            await state.WriteStateAsync();
        }
        catch (Exception e) when (StoreUnavailableException.In(e) is { } down)
        {
            state.State.Plan = previous;
            throw new PlanStoreUnavailableException($"The new plan for '{Pipeline}' was not stored: {down.Message}");
        }
        _table = new GearTable(plan);
        _model = model;
        if (devices.Options.IsEmulated) logger.LogInformation("{Pipeline}: planned with EMULATED devices ({Devices})", Pipeline, devices.Label);
        logger.LogInformation("Plan v{Version} for {Pipeline}: {Gears} gears up to {Ceiling:0.#} req/s, made in {Ms:0.#} ms",
            plan.Version, Pipeline, plan.Gears.Length, plan.Ceiling, plan.PlanningMs);
        return plan;
    }

    public Task<Gear> GetGear(double load) => Task.FromResult(Table().GetGear(load));

    public async Task<AppliedGear> ApplyGear(double? load, int? index)
    {
        var table = Table();
        if (index is { } i && (i < 0 || i >= table.Count))
            throw new ArgumentException($"Gear index {i} is outside the plan's gears 0..{table.Count - 1}.");
        if (index is null && !(load >= 0))
            throw new ArgumentException("Give a load (req/s, ≥ 0) or a gear index.");
        state.State.Mode = GearMode.Pinned;
        var gearIndex = index ?? table.IndexFor(load!.Value);
        return await Apply(table[gearIndex], table.Plan.Version, gearIndex, load, index is null ? $"pinned for {load:0.#} req/s" : $"pinned to gear {gearIndex}");
    }

    public async Task<GearStatus> Start()
    {
        if (control.Policy == ControlPolicy.Reactive)
        {
            _reactive ??= new ReactiveLoop(_model ??= BuildModel(), control, clock);
            await SetMode(GearMode.Auto);
            if (state.State.Applied is null || state.State.Applied.PlanVersion != ReactiveLoop.PlanVersion)
                await Apply(_reactive.Gear, ReactiveLoop.PlanVersion, _reactive.Gear.Devices, 0, "reactive baseline: one replica of each served model");
            StartLoop();
            return await GetStatus();
        }
        if (state.State.Plan is null)
        {
            await Replan(DefaultPlan.For(catalog.Get(Pipeline), control, _budget = devices.Budget(control))); // Replan logs it; the gateway's start-up log names its SLO and floor
        }
        if (state.State.Mode != GearMode.Pinned) await SetMode(GearMode.Auto);
        StartLoop();
        return await GetStatus();
    }

    public async Task<GearStatus> ResumeAuto()
    {
        if (control.Policy != ControlPolicy.Reactive) Table();
        _controller = new GearController(control, clock);
        await SetMode(GearMode.Auto);
        StartLoop();
        return await GetStatus();
    }

    public async Task<GearStatus> GetStatus()
    {
        var estimate = _estimate ?? await Monitor.GetEstimate();
        var applied = InForce();
        return new GearStatus(Pipeline, state.State.Mode, _table?.Plan.Version, applied?.GearIndex,
            applied is null ? null : new GearBand(applied.Gear.MinLoad, applied.Gear.MaxLoad), estimate, state.State.Applied, _table?.Count ?? 0,
            control.Policy.ToString().ToLowerInvariant(), DevicesHeld(), _deviceSeconds, devices.Label);
    }

    public Task<GearShift[]> GetHistory() => Task.FromResult(state.State.History.ToArray());

    /// <summary>One turn of the online loop: count the devices held, read the estimate, let the policy decide, apply its choice.</summary>
    private async Task Tick()
    {
        var now = clock.GetUtcNow();
        if (_lastTick is { } last) _deviceSeconds += DevicesHeld() * (now - last).TotalSeconds;
        _lastTick = now;
        if (await ReplanOnBudgetChange()) return;
        if (state.State.Mode != GearMode.Auto) return;
        var estimate = _estimate = await Monitor.GetEstimate();
        GearboxMetrics.ControlGauges.Set(Pipeline, estimate.Demand, InForce()?.GearIndex ?? -1);
        if (now < _retryAt) return;

        Gear? next = null;
        var (version, index, reason) = (0, 0, "");
        if (control.Policy == ControlPolicy.Reactive && _reactive is { } reactive)
        {
            if (await reactive.DecideAsync(Monitor) is { } scaled) (next, version, index, reason) = (scaled.Gear, ReactiveLoop.PlanVersion, scaled.Gear.Devices, scaled.Reason);
        }
        else if (_table is { } table)
        {
            var decision = _controller.Decide(table, InForce()?.GearIndex ?? -1, estimate);
            if (decision.Switch) (next, version, index, reason) = (table[decision.Target], table.Plan.Version, decision.Target, decision.Reason);
        }
        if (next is null) return;
        try
        {
            await Apply(next, version, index, estimate.Demand, reason);
        }
        catch (Exception e)
        {
            _retryAt = clock.GetUtcNow() + RetryAfterFailure;
            logger.LogWarning(e, "Gear {Gear} of {Pipeline} could not be applied; the controller tries again in {Seconds} s", index, Pipeline, RetryAfterFailure.TotalSeconds);
        }
    }

    /// <summary>
    /// A silo joined or left (the live silos' device budget moved): the plan made for the old budget is made
    /// again for the new one, and the gear for the current load (auto) or the pinned gear index is applied from it.
    /// </summary>
    private async Task<bool> ReplanOnBudgetChange()
    {
        if (clock.GetUtcNow() < _retryAt) return false;
        var budget = devices.Budget(control);
        var previous = _budget;
        _budget = budget;
        if (control.Policy == ControlPolicy.Reactive || state.State.Plan is not { } plan || !DeviceBudget.Replan(plan.Request.Devices, previous, budget)) return false;
        logger.LogInformation("{Pipeline}: the device budget moved from {Previous} to {Budget} ({Kind}); planning again", Pipeline, previous, budget, devices.Label);
        try
        {
            var pinned = state.State.Mode == GearMode.Pinned ? InForce()?.GearIndex : null;
            await Replan(plan.Request with { Devices = budget });
            var estimate = _estimate ?? await Monitor.GetEstimate();
            var table = Table();
            var index = pinned is { } p ? Math.Min(p, table.Count - 1) : table.IndexFor(estimate.Demand);
            await Apply(table[index], table.Plan.Version, index, estimate.Demand, $"re-planned for {budget} devices (was {previous}): a silo joined or left");
        }
        catch (Exception e)
        {
            _budget = previous; // try again next window
            _retryAt = clock.GetUtcNow() + RetryAfterFailure;
            logger.LogWarning(e, "{Pipeline}: re-planning for {Budget} devices failed; trying again", Pipeline, budget);
        }
        return true;
    }

    private void StartLoop()
    {
        if (_loop is not null) return;
        var period = TimeSpan.FromMilliseconds(control.WindowMs);
        _loop = this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions(period, period) { KeepAlive = true });
    }

    private async Task SetMode(GearMode mode)
    {
        if (state.State.Mode == mode) return;
        state.State.Mode = mode;
        await TryWriteState("mode " + mode);
    }

    /// <summary>Applies <paramref name="gear"/>: thresholds and replicas of every stage (new replicas warm first, retired ones drain), then records the switch.</summary>
    private async Task<AppliedGear> Apply(Gear gear, int planVersion, int gearIndex, double? load, string reason)
    {
        var definition = catalog.Get(Pipeline);
        var pipeline = GrainFactory.GetGrain<IPipelineGrain>(Pipeline);
        foreach (var stage in definition.Stages)
            await pipeline.Configure(stage.Name, gear.ToStageConfiguration(stage));
        var now = clock.GetUtcNow();
        var previous = state.State.Applied is { } p && p.PlanVersion == planVersion ? p.GearIndex : -1;
        var applied = new AppliedGear(planVersion, gearIndex, load, load > gear.MaxLoad, now, gear);
        state.State.Applied = applied;
        var history = state.State.History;
        history.Add(new GearShift(now, previous, gearIndex, load, reason, planVersion));
        if (history.Count > IGearPlannerGrain.MaxHistory) history.RemoveRange(0, history.Count - IGearPlannerGrain.MaxHistory);
        GearboxMetrics.ControlGauges.Set(Pipeline, load ?? _estimate?.Demand ?? 0, gearIndex);
        logger.LogInformation("{Pipeline}: gear {From} → {To} ({Reason})", Pipeline, previous, gearIndex, reason);
        await Monitor.SetItemsPerRequest(ItemsPerRequest(gear));
        await TryWriteState($"gear {gearIndex}");
        return applied;
    }

    /// <summary>Items each model sees per entrance request under <paramref name="gear"/>; none when the profiles are gone.</summary>
    private Dictionary<string, double> ItemsPerRequest(Gear gear)
    {
        try
        {
            return DownstreamLoad.ItemsPerRequest(_model ??= BuildModel(), gear);
        }
        catch (Exception e) when (e is PlanningImpossibleException or KeyNotFoundException)
        {
            return [];
        }
    }

    private async Task TryWriteState(string what)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e) when (StoreUnavailableException.In(e) is { } down)
        {
            // In force all the same; only its record is lost if this activation goes away.
            logger.LogWarning("{What} of {Pipeline} is in force but not recorded: {Reason}", what, Pipeline, down.Message);
        }
    }

    /// <summary>The applied gear when it belongs to what is in force now (the current plan, or the reactive baseline's).</summary>
    private AppliedGear? InForce() => state.State.Applied is { } a
        && (control.Policy == ControlPolicy.Reactive ? a.PlanVersion == ReactiveLoop.PlanVersion : a.PlanVersion == _table?.Plan.Version) ? a : null;

    /// <summary>Devices (cores) the configuration in force holds: replicas × threads over all models.</summary>
    private int DevicesHeld() => state.State.Applied?.Gear is { } g ? g.Replicas.Sum(r => r.Value * g.ThreadsOf(r.Key)) : 0;

    private PipelineModel BuildModel()
    {
        // Emulated accelerators: device time is the profile's; the serving path's host CPU is not charged against them (docs/devices.md).
        var serving = devices.Options.IsEmulated ? null : runtime.ServingCost();
        if (control.ChargeClient && serving is not null) serving = serving.WithClientCharged();
        return PipelineModel.From(catalog.Get(Pipeline), m => runtime.Profile(m)
            ?? throw new PlanningImpossibleException($"Model '{m}' has no profile yet; run './gearbox profile'."), serving);
    }

    private GearTable Table() => _table
        ?? throw new InvalidOperationException($"Pipeline '{Pipeline}' has no gear plan yet: POST /v1/pipelines/{Pipeline}/plan (or ./gearbox plan) makes one.");
}
