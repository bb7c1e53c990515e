using Gearbox.Contracts.Serving;
using Gearbox.Serving;

namespace Gearbox.Gateway.Endpoints;

/// <summary>Open Inference Protocol health and metadata: /v2, /v2/health/*, /v2/models/{name}[/ready].</summary>
public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v2", () => Results.Ok(new
        {
            name = "gearbox",
            version = typeof(HealthEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0.1.0",
            extensions = Array.Empty<string>(),
        }));

        app.MapGet("/v2/health/live", () => Results.Ok(new { live = true }));

        app.MapGet("/v2/health/ready", async (PipelineCatalog catalog, IGrainFactory grains, WarmUpGate warmUp, CancellationToken ct) =>
        {
            if (!warmUp.IsOpen) return Results.Json(new { ready = false, warmingUp = true }, statusCode: 503);
            foreach (var pipeline in catalog.Declared)
                if (!await IsReady(grains, pipeline.Name, ct)) return Results.Json(new { ready = false }, statusCode: 503);
            return Results.Ok(new { ready = true });
        });

        app.MapGet("/v2/models/{name}", (string name, PipelineCatalog catalog) =>
            catalog.TryGet(name, out var pipeline) ? Results.Ok(Metadata(pipeline)) : UnknownModel(name));

        app.MapGet("/v2/models/{name}/ready", async (string name, PipelineCatalog catalog, IGrainFactory grains, CancellationToken ct) =>
        {
            if (!catalog.TryGet(name, out _)) return UnknownModel(name);
            var ready = await IsReady(grains, name, ct);
            return Results.Json(new { name, ready }, statusCode: ready ? 200 : 503);
        });
    }

    public static IResult UnknownModel(string name) =>
        Results.Problem($"No model or pipeline named '{name}'. GET /v1/pipelines lists them.", statusCode: 404, title: "Unknown model");

    /// <summary>Ready once the pipeline's stages are configured, i.e. its workers have loaded their engines.</summary>
    internal static async Task<bool> IsReady(IGrainFactory grains, string pipeline, CancellationToken ct)
    {
        try
        {
            await grains.GetGrain<IPipelineGrain>(pipeline).GetSnapshot().WaitAsync(TimeSpan.FromSeconds(10), ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static object Metadata(PipelineDefinition pipeline)
    {
        var grid = pipeline.Stages[0].Kind == StageKind.TileSplit;
        long[] outputShape = grid ? [-1, 4] : [-1];
        return new
        {
            name = pipeline.Name,
            versions = new[] { "1" },
            platform = "gearbox_torchsharp",
            inputs = new[]
            {
                new { name = "image", datatype = "UINT8", shape = new long[] { -1, pipeline.InputSide, pipeline.InputSide } },
                new { name = "image", datatype = "FP32", shape = new long[] { -1, pipeline.InputSide, pipeline.InputSide } },
            },
            outputs = new[]
            {
                new { name = "label", datatype = "INT64", shape = outputShape },
                new { name = "confidence", datatype = "FP32", shape = outputShape },
            },
            parameters = new
            {
                description = pipeline.Description,
                default_slo_ms = pipeline.DefaultSloMs,
                stages = pipeline.Stages.Select(s => new { s.Name, kind = s.Kind.ToString(), models = s.Models }),
            },
        };
    }
}
