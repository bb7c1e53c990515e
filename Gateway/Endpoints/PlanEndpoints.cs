using Gearbox.Contracts.Planning;
using Gearbox.Serving;

namespace Gearbox.Gateway.Endpoints;

/// <summary>/v1/pipelines/{name}/plan: read or recompute the gear plan.</summary>
public static class PlanEndpoints
{
    /// <summary>The body of POST /plan; anything left out takes the CLI's default.</summary>
    public sealed record PlanBody(double? SloMs, double? MinAccuracy, int? Devices, double? CostPerDevice, double? MaxLoad, int? Bands);

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
    }

    /// <summary>Maps the planner's refusals to problem details: bad inputs 400, no plan 409, store down 503.</summary>
    internal static async Task<IResult> Call<T>(Func<Task<T>> call)
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
