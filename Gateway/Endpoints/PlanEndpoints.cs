using Gearbox.Contracts.Planning;
using Gearbox.Serving;

namespace Gearbox.Gateway.Endpoints;

/// <summary>/v1/pipelines/{name}/plan and /gear: read or recompute the gear plan, switch gears by hand.</summary>
public static class PlanEndpoints
{
    /// <summary>The body of POST /plan; anything left out takes the CLI's default.</summary>
    public sealed record PlanBody(double? SloMs, double? MinAccuracy, int? Devices, double? CostPerDevice, double? MaxLoad, int? Bands);

    /// <summary>The body of POST /gear: a load in req/s, or a gear index.</summary>
    public sealed record GearBody(double? Load, int? Index);

    public static void MapPlanEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/pipelines/{name}/plan", async (string name, PipelineCatalog catalog, IGrainFactory grains) =>
        {
            if (!catalog.TryGet(name, out _)) return HealthEndpoints.UnknownModel(name);
            var plan = await grains.GetGrain<IGearPlannerGrain>(name).GetPlan();
            return plan is null
                ? Results.Problem($"Pipeline '{name}' has no gear plan yet; POST /v1/pipelines/{name}/plan makes one.", statusCode: 404, title: "No plan")
                : Results.Ok(plan);
        });

        app.MapPost("/v1/pipelines/{name}/plan", async (string name, PlanBody body, PipelineCatalog catalog, IGrainFactory grains) =>
        {
            if (!catalog.TryGet(name, out _)) return HealthEndpoints.UnknownModel(name);
            if (body.SloMs is null || body.MinAccuracy is null)
                return Results.Problem("'sloMs' (p99 target, ms) and 'minAccuracy' (0..1) are required.", statusCode: 400, title: "Invalid plan request");
            var request = new PlanRequest(name, body.SloMs.Value, body.MinAccuracy.Value, body.Devices ?? 8, body.CostPerDevice ?? 1, body.MaxLoad, body.Bands ?? 12);
            if (request.Problem() is { } problem) return Results.Problem($"Cannot plan '{name}': {problem}.", statusCode: 400, title: "Invalid plan request");
            return await Call(() => grains.GetGrain<IGearPlannerGrain>(name).Replan(request));
        });

        app.MapGet("/v1/pipelines/{name}/gear", async (string name, PipelineCatalog catalog, IGrainFactory grains) =>
        {
            if (!catalog.TryGet(name, out _)) return HealthEndpoints.UnknownModel(name);
            var applied = await grains.GetGrain<IGearPlannerGrain>(name).GetApplied();
            return applied is null
                ? Results.Problem($"No gear has been applied to '{name}'; it runs its initial static configuration.", statusCode: 404, title: "No gear")
                : Results.Ok(applied);
        });

        app.MapPost("/v1/pipelines/{name}/gear", async (string name, GearBody body, PipelineCatalog catalog, IGrainFactory grains) =>
        {
            if (!catalog.TryGet(name, out _)) return HealthEndpoints.UnknownModel(name);
            if (body.Load is null == body.Index is null)
                return Results.Problem("Give exactly one of 'load' (req/s) or 'index' (gear number).", statusCode: 400, title: "Invalid gear request");
            return await Call(() => grains.GetGrain<IGearPlannerGrain>(name).ApplyGear(body.Load, body.Index));
        });
    }

    /// <summary>Maps the planner's refusals to problem details: bad inputs 400, no plan 409, store down 503.</summary>
    private static async Task<IResult> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return Results.Ok(await call());
        }
        catch (ArgumentException e)
        {
            return Results.Problem(e.Message, statusCode: 400, title: "Impossible plan or gear request");
        }
        catch (InvalidOperationException e)
        {
            return Results.Problem(e.Message, statusCode: 409, title: "No plan");
        }
        catch (PlanStoreUnavailableException e)
        {
            return Results.Problem($"{e.Message} Serving continues on the current plan.", statusCode: 503, title: "Plan store unavailable");
        }
    }
}
