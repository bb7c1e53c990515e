using System.Text.Json;
using System.Text.Json.Serialization;
using Gearbox.Contracts.Serving;
using Gearbox.Gateway.Endpoints;
using Gearbox.Gateway.LiveView;
using Gearbox.Gateway.Grpc;
using Gearbox.Hosting;
using Gearbox.Serving;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;

namespace Gearbox.Gateway;

/// <summary>Builds the gateway: Orleans (a co-hosted silo or a client), the HTTP and gRPC endpoints, dashboard and metrics.</summary>
public static class GatewayApp
{
    /// <param name="hostSilo">
    /// Null (Gearbox.Gateway.dll): join the Redis-clustered silos as an Orleans client. Else it adds a silo to
    /// this process (Gearbox.Silo.dll passes it; the gateway itself knows no grains and no libtorch).
    /// </param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? hostSilo = null)
    {
        // appsettings.json sits beside the binaries; ./gearbox serve runs from the checkout's root.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // --port N [--host ADDRESS]; explicit urls (ASPNETCORE_URLS, --urls) still win.
        var port = builder.Configuration.GetValue<int?>("port") ?? 8080;
        var host = builder.Configuration.GetValue<string>("host") ?? "127.0.0.1";
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls($"http://{host}:{port}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 2L * Protocol.ProtocolLimits.MaxBodyBytes); // a backstop: the reader enforces the documented limit
        builder.AddGearboxGrpc(); // KServe v2 gRPC on its own HTTP/2 port: --grpc-port N (default HTTP port + 1; 0 = off)

        var gateway = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        if (builder.Configuration[GatewayOptions.Section + ":Mode"] is { Length: > 0 } mode)
            throw new InvalidOperationException($"Gearbox:Gateway:Mode ('{mode}') is no longer a setting: the binary decides. " +
                "Gearbox.Silo.dll (./gearbox serve) hosts a silo and this API in one process; Gearbox.Gateway.dll is the Orleans client of a Redis cluster.");
        if (hostSilo is null) builder.AddGearboxOrleansClient();
        else hostSilo(builder);
        builder.Services.TryAddSingleton(_ => PipelineCatalog.Load(builder.Configuration["Gearbox:PipelinesFile"]));
        builder.Services.AddSingleton(gateway);
        builder.Services.TryAddSingleton(GearboxSettings.ControlOptions(builder.Configuration));
        builder.Services.AddSingleton<GrainReferences<IPipelineRouterGrain>>();
        builder.Services.AddSingleton(new Admission(gateway.MaxInFlight));
        builder.Services.AddSingleton(new ClusterCalls(TimeProvider.System, gateway.RetryAfterSeconds));
        builder.Services.AddSingleton<WarmUpGate>();
        builder.Services.AddHostedService<PipelineWarmUp>();
        builder.Services.AddProblemDetails();
        // Modes and kinds read as words ("auto", "pinned"), not numbers; a figure not measured is "NaN", not a failed response.
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            o.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        });
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            // System.Runtime: the runtime's own GC, thread-pool, lock and CPU figures (the bench reads them per sweep step).
            .AddMeter(GearboxMetrics.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
            // No response cache (default 300 ms): the bench reads /metrics just before and after each sweep step and needs fresh figures.
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseLiveViewLinks(); // a browser's GET / lands on /live; the dashboard's page links to it
        app.MapHealthEndpoints();
        app.MapInferEndpoint();
        app.MapGearboxGrpc();
        app.MapPipelineEndpoints();
        app.MapPlanEndpoints();
        app.MapControlEndpoints();
        app.MapClusterEndpoints();
        app.MapLiveView();
        app.MapOrleansDashboard(routePrefix: "/dashboard");
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/", () => Results.Redirect("/v1/pipelines"));
        app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogInformation(
            "Gearbox gateway ({Mode}) on {Urls}: POST /v2/models/{{name}}/infer, GET /v1/pipelines, /dashboard, /metrics",
            hostSilo is null ? "Orleans client" : "with its silo", string.Join(", ", app.Urls)));
        app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogInformation("Live view: {Url}{Path}", app.Urls.FirstOrDefault(), LiveViewEndpoints.Path));
        return app;
    }
}
