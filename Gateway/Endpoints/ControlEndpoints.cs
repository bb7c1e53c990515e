using Gearbox.Contracts.Monitoring;
using Gearbox.Contracts.Planning;
using Gearbox.Serving;

namespace Gearbox.Gateway.Endpoints;

/// <summary>
/// The online loop over HTTP: /v1/pipelines/{name}/load (the monitor's windows and estimate) and /gear
/// (mode, gear in force, switches; POST pins a gear or resumes automatic switching).
/// </summary>
public static class ControlEndpoints
{
    /// <summary>The body of POST /gear: a load in req/s or a gear index (pins it), or {"auto": true}.</summary>
    public sealed record GearBody(double? Load, int? Index, bool? Auto);

    public static void MapControlEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/pipelines/{name}/load", async (string name, double? seconds, PipelineCatalog catalog, IGrainFactory grains) =>
        {
            if (!catalog.TryGet(name, out _)) return HealthEndpoints.UnknownModel(name);
            if (seconds is { } s && !(s >= 0))
                return Results.Problem($"'seconds' must be ≥ 0 (0 or none: every window kept), not {s}.", statusCode: 400, title: "Invalid load query");
            return Results.Ok(await grains.GetGrain<IMonitorGrain>(name).GetLoad(seconds ?? 0));
        });

        app.MapGet("/v1/pipelines/{name}/gear", async (string name, PipelineCatalog catalog, IGrainFactory grains) =>
            catalog.TryGet(name, out _) ? Results.Ok(await grains.GetGrain<IGearPlannerGrain>(name).GetStatus()) : HealthEndpoints.UnknownModel(name));

        app.MapGet("/v1/pipelines/{name}/gear/history", async (string name, PipelineCatalog catalog, IGrainFactory grains) =>
            catalog.TryGet(name, out _)
                ? Results.Ok(new { switches = await grains.GetGrain<IGearPlannerGrain>(name).GetHistory() })
                : HealthEndpoints.UnknownModel(name));

        app.MapPost("/v1/pipelines/{name}/gear", async (string name, GearBody body, PipelineCatalog catalog, IGrainFactory grains) =>
        {
            if (!catalog.TryGet(name, out _)) return HealthEndpoints.UnknownModel(name);
            var planner = grains.GetGrain<IGearPlannerGrain>(name);
            if (body.Auto is { } auto)
            {
                if (!auto || body.Load is not null || body.Index is not null)
                    return Results.Problem("{\"auto\": true} resumes automatic switching and takes nothing else; pin a gear with 'load' or 'index'.", statusCode: 400, title: "Invalid gear request");
                return await PlanEndpoints.Call(planner.ResumeAuto);
            }
            if (body.Load is null == body.Index is null)
                return Results.Problem("Give exactly one of 'load' (req/s) or 'index' (gear number) to pin a gear, or {\"auto\": true}.", statusCode: 400, title: "Invalid gear request");
            return await PlanEndpoints.Call(() => planner.ApplyGear(body.Load, body.Index));
        });
    }
}
