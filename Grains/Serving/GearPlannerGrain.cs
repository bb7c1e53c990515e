using Gearbox.Contracts.Planning;
using Gearbox.Contracts.Serving;
using Gearbox.Planning;
using Gearbox.Storage;
using Microsoft.Extensions.Logging;

namespace Gearbox.Serving;

/// <summary>What the planner grain keeps durably (grain storage "gearbox": memory, or Azure Tables).</summary>
[GenerateSerializer, Alias("gearbox.planner-state")]
public sealed class PlannerState
{
    [Id(0)] public GearPlan? Plan { get; set; }
    [Id(1)] public AppliedGear? Applied { get; set; }
}

/// <summary>
/// A thin shell around <see cref="GearPlanner"/> and <see cref="GearTable"/>: plans from the model
/// profiles, keeps the plan in grain state and each version in the plan history, and applies gears
/// to the pipeline grain. If the store goes down, the plan in memory keeps serving.
/// </summary>
public sealed class GearPlannerGrain(
    [PersistentState("planner", GearboxStorageRegistration.GrainStorageName)] IPersistentState<PlannerState> state,
    PipelineCatalog catalog, ModelRuntime runtime, IDocumentStore store, ILogger<GearPlannerGrain> logger) : Grain, IGearPlannerGrain
{
    private GearTable? _table;

    private string Pipeline => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Plan is { } plan) _table = new GearTable(plan);
        return Task.CompletedTask;
    }

    public Task<GearPlan?> GetPlan() => Task.FromResult(state.State.Plan);

    public Task<AppliedGear?> GetApplied() => Task.FromResult(state.State.Applied);

    public async Task<GearPlan> Replan(PlanRequest request)
    {
        if (request.Pipeline != Pipeline) throw new ArgumentException($"This is the planner of '{Pipeline}', not '{request.Pipeline}'.");
        var definition = catalog.Get(Pipeline);
        GearPlan plan;
        try
        {
            var model = PipelineModel.From(definition, m => runtime.Profile(m)
                ?? throw new PlanningImpossibleException($"Model '{m}' has no profile yet; run './gearbox profile'."), runtime.ServingCost());
            plan = await Task.Run(() => new GearPlanner(model).Plan(request));
        }
        catch (PlanningImpossibleException e)
        {
            throw new ArgumentException(e.Message); // a well-known type, so the reason crosses the wire intact
        }
        var previous = state.State.Plan;
        try
        {
            var saved = await new PlanHistory<GearPlan>(store, Pipeline).SaveNewVersionAsync(plan);
            plan = plan with { Version = saved.Version };
            state.State.Plan = plan;
            await state.WriteStateAsync();
        }
        catch (Exception e) when (IsStoreDown(e))
        {
            state.State.Plan = previous;
            throw new PlanStoreUnavailableException($"The new plan for '{Pipeline}' was not stored: {StoreDown(e).Message}");
        }
        _table = new GearTable(plan);
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
        var gearIndex = index ?? table.IndexFor(load!.Value);
        var gear = table[gearIndex];
        var definition = catalog.Get(Pipeline);
        var pipeline = GrainFactory.GetGrain<IPipelineGrain>(Pipeline);
        foreach (var stage in definition.Stages)
            await pipeline.Configure(stage.Name, gear.ToStageConfiguration(stage));
        var applied = new AppliedGear(table.Plan.Version, gearIndex, load, load is { } x && table.IsOverCeiling(x), DateTimeOffset.UtcNow, gear);
        state.State.Applied = applied;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e) when (IsStoreDown(e))
        {
            // The gear is in force; only its record is lost if this activation goes away.
            logger.LogWarning("Gear {Index} of {Pipeline} applied but not recorded: {Reason}", gearIndex, Pipeline, StoreDown(e).Message);
        }
        return applied;
    }

    private static bool IsStoreDown(Exception e) => e is StoreUnavailableException || e.InnerException is StoreUnavailableException;

    private static Exception StoreDown(Exception e) => e as StoreUnavailableException ?? e.InnerException!;

    private GearTable Table() => _table
        ?? throw new InvalidOperationException($"Pipeline '{Pipeline}' has no gear plan yet: POST /v1/pipelines/{Pipeline}/plan (or ./gearbox plan) makes one.");
}
