using Gearbox.Contracts.Serving;
using Gearbox.Serving;

namespace Gearbox.Gateway.Endpoints;

/// <summary>/v1/pipelines: each pipeline's graph, current configuration and live counters.</summary>
public static class PipelineEndpoints
{
    public static void MapPipelineEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/pipelines", (PipelineCatalog catalog) => Results.Ok(new
        {
            links = new { live = LiveView.LiveViewEndpoints.Path, dashboard = "/dashboard", metrics = "/metrics" },
            pipelines = catalog.All.Select(p => new
            {
                p.Name,
                p.Description,
                p.InputSide,
                p.DefaultSloMs,
                declared = catalog.Declared.Contains(p),
                stages = p.Stages.Select(s => new { s.Name, kind = s.Kind.ToString(), s.Models }),
            }),
        }));

        app.MapGet("/v1/pipelines/{name}", async (string name, PipelineCatalog catalog, IGrainFactory grains) =>
        {
            if (!catalog.TryGet(name, out _)) return HealthEndpoints.UnknownModel(name);
            var snapshot = await grains.GetGrain<IPipelineGrain>(name).GetSnapshot();
            return Results.Ok(Describe(snapshot));
        });
    }

    private static object Describe(PipelineSnapshot s) => new
    {
        s.Definition.Name,
        s.Definition.Description,
        s.Definition.DefaultSloMs,
        counters = new { s.Requests, s.Items, s.Dropped },
        stages = s.Stages.Select(stage => new
        {
            stage.Definition.Name,
            kind = stage.Definition.Kind.ToString(),
            models = stage.Definition.Models,
            configuration = new
            {
                thresholds = stage.Definition.Models.SkipLast(1).Zip(stage.Configuration.Thresholds).ToDictionary(p => p.First, p => p.Second),
                models = stage.Configuration.Models.ToDictionary(m => m.Model, m => new { m.Replicas, m.MaxBatch, m.Threads }),
                stage.Configuration.Version,
            },
            counters = new { stage.Items, stage.Dropped, answeredBy = stage.AnsweredBy },
            workers = stage.Workers.Select(w => new
            {
                w.Worker, w.Model, w.Silo, w.Served, w.Dropped, w.Batches, w.MeanBatchSize, w.LargestBatch,
                w.MeanQueueDelayMs, w.BusyMs, w.Queued, w.Settings.MaxBatch, w.Settings.Threads,
            }),
        }),
    };
}
