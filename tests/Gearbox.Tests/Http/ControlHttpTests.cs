using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gearbox.Contracts.Serving;
using Gearbox.Tests.Serving;
using Microsoft.Extensions.DependencyInjection;

namespace Gearbox.Tests.Http;

/// <summary>
/// The gateway in its default automatic mode: a default plan at start-up, /gear (auto, pinned, resumed),
/// /gear/history, /load and the control gauges on /metrics.
/// </summary>
public class ControlHttpTests
{
    [Fact]
    public async Task Serves_in_automatic_mode_on_a_default_plan_pins_and_resumes()
    {
        var (app, http) = await GatewayServer.StartAsync("--Gearbox:Control:Mode", "auto", "--Gearbox:PipelinesFile", TestPipelines.WithAchievableFloor());
        try
        {
            var status = await WaitForGear(http, s => s.GetProperty("mode").GetString() == "auto" && s.GetProperty("gearIndex").ValueKind == JsonValueKind.Number);
            Assert.Equal(0, status.GetProperty("gearIndex").GetInt32()); // idle: the lowest gear
            Assert.Equal(0, status.GetProperty("band").GetProperty("minLoad").GetDouble());

            var plan = await InferJson.Json(await http.GetAsync("/v1/pipelines/fashion/plan"));
            Assert.Equal(Environment.ProcessorCount, plan.GetProperty("request").GetProperty("devices").GetInt32());
            Assert.Equal(500, plan.GetProperty("request").GetProperty("sloMs").GetDouble());
            var top = plan.GetProperty("gears").GetArrayLength() - 1;

            var grains = app.Services.GetRequiredService<IGrainFactory>();
            var versionBefore = await grains.GetGrain<IPipelineGrain>("fashion").GetRouteVersion();
            var pinned = await http.PostAsJsonAsync("/v1/pipelines/fashion/gear", new { index = top });
            Assert.True(pinned.StatusCode == HttpStatusCode.OK, await pinned.Content.ReadAsStringAsync());
            // The switch reached the pipeline's route, and the router on the gateway's silo runs on it now.
            var versionAfter = await grains.GetGrain<IPipelineGrain>("fashion").GetRouteVersion();
            if (top != 0) Assert.True(versionAfter > versionBefore, $"route version {versionBefore} → {versionAfter}: the pinned gear changed nothing");
            Assert.Equal(versionAfter, await grains.GetGrain<IPipelineRouterGrain>("fashion").GetRouteVersion());
            status = await InferJson.Json(await http.GetAsync("/v1/pipelines/fashion/gear"));
            Assert.Equal(("pinned", top), (status.GetProperty("mode").GetString(), status.GetProperty("gearIndex").GetInt32()));

            var resumed = await http.PostAsJsonAsync("/v1/pipelines/fashion/gear", new { auto = true });
            Assert.True(resumed.StatusCode == HttpStatusCode.OK, await resumed.Content.ReadAsStringAsync());
            // No load: after the hold the controller steps down from the pinned gear by itself.
            await WaitForGear(http, s => s.GetProperty("mode").GetString() == "auto" && s.GetProperty("gearIndex").GetInt32() == 0 || top == 0);

            var history = (await InferJson.Json(await http.GetAsync("/v1/pipelines/fashion/gear/history"))).GetProperty("switches").EnumerateArray().ToArray();
            Assert.True(history.Length >= (top == 0 ? 1 : 3), $"{history.Length} switches");
            Assert.Equal(-1, history[0].GetProperty("from").GetInt32());
            Assert.Contains("pinned", history[1].GetProperty("reason").GetString());
            Assert.All(history, h => Assert.False(string.IsNullOrEmpty(h.GetProperty("reason").GetString())));

            var image = ServingModels.Instance.Data.Test.Image(0).ToArray();
            Assert.Equal(HttpStatusCode.OK, (await InferJson.Post(http, "fashion", InferJson.Body([image], 28))).StatusCode);
            JsonElement load = default;
            await WaitFor(async () =>
            {
                load = await InferJson.Json(await http.GetAsync("/v1/pipelines/fashion/load?seconds=2"));
                return load.GetProperty("windows").EnumerateArray().Sum(w => w.GetProperty("arrivals").GetInt64()) == 1;
            });
            Assert.Equal(100, load.GetProperty("windowMs").GetInt32());
            Assert.InRange(load.GetProperty("windows").GetArrayLength(), 10, 20);
            Assert.True(load.GetProperty("estimate").TryGetProperty("demand", out _));
            Assert.True(load.GetProperty("expectedPerModel").TryGetProperty("mlp", out _));

            var metrics = await http.GetStringAsync("/metrics");
            Assert.Contains("gearbox_load_estimate{", metrics);
            Assert.Contains("gearbox_gear{", metrics);
            Assert.Contains("pipeline=\"fashion\"", metrics);
        }
        finally
        {
            await GatewayServer.StopAsync(app, http);
        }
    }

    [Fact]
    public async Task Bad_control_requests_get_a_reason_and_change_nothing()
    {
        var (app, http) = await GatewayServer.StartAsync();
        try
        {
            var off = await http.PostAsJsonAsync("/v1/pipelines/fashion/gear", new { auto = false });
            Assert.Equal(HttpStatusCode.BadRequest, off.StatusCode);
            Assert.Contains("auto", (await InferJson.Json(off)).GetProperty("detail").GetString());
            Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/v1/pipelines/fashion/gear", new { auto = true, index = 0 })).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/v1/pipelines/fashion/load?seconds=-1")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/pipelines/resnet/load")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/pipelines/resnet/gear/history")).StatusCode);
            // No planner and no plan: resuming automatic switching has nothing to switch between.
            Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsJsonAsync("/v1/pipelines/fashion-grid/gear", new { auto = true })).StatusCode);
            var status = await InferJson.Json(await http.GetAsync("/v1/pipelines/fashion-grid/gear"));
            Assert.Equal("off", status.GetProperty("mode").GetString());
        }
        finally
        {
            await GatewayServer.StopAsync(app, http);
        }
    }

    private static async Task<JsonElement> WaitForGear(HttpClient http, Func<JsonElement, bool> condition)
    {
        JsonElement status = default;
        await WaitFor(async () => condition(status = await InferJson.Json(await http.GetAsync("/v1/pipelines/fashion/gear"))));
        return status;
    }

    private static async Task WaitFor(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("condition not met within 60 s");
            await Task.Delay(100);
        }
    }
}
