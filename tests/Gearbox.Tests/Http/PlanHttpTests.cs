using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gearbox.Tests.Serving;
using Gearbox.Tests.Storage;

namespace Gearbox.Tests.Http;

/// <summary>
/// The gear plan over HTTP with the durable store on a real Azurite: plan, switch gears, survive a
/// gateway restart, and keep serving on the last plan while Azurite is down.
/// </summary>
public class PlanHttpTests
{
    private static object PlanBody(double minAccuracy, double sloMs = 200, int devices = 6) =>
        new { sloMs, minAccuracy, devices, maxLoad = 400, bands = 6 };

    private static double AchievableFloor()
    {
        var largest = ServingModels.Instance.Profiles.Load("cnn-large");
        return Math.Round(largest.Accuracy - 0.02, 3);
    }

    [Fact]
    public async Task Plan_is_made_stored_applied_survives_a_restart_and_outlives_an_azurite_outage()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        string[] storage = ["--Gearbox:Storage:ConnectionString", azurite.ConnectionString, "--Gearbox:Storage:TableName", AzuriteFixture.NewTableName()];
        var floor = AchievableFloor();

        var (app, http) = await GatewayServer.StartAsync(storage);
        JsonElement plan;
        try
        {
            var made = await http.PostAsJsonAsync("/v1/pipelines/fashion/plan", PlanBody(floor));
            Assert.True(made.StatusCode == HttpStatusCode.OK, await made.Content.ReadAsStringAsync());
            plan = await made.Content.ReadFromJsonAsync<JsonElement>();
            var gears = plan.GetProperty("gears").EnumerateArray().ToArray();
            Assert.NotEmpty(gears);
            Assert.Equal(gears.Select(g => g.GetProperty("maxLoad").GetDouble()).Order(), gears.Select(g => g.GetProperty("maxLoad").GetDouble()));
            Assert.All(gears, g => Assert.True(g.GetProperty("predictedAccuracy").GetDouble() >= floor - 1e-9));

            var top = gears[^1];
            var applied = await http.PostAsJsonAsync("/v1/pipelines/fashion/gear", new { index = gears.Length - 1 });
            Assert.True(applied.StatusCode == HttpStatusCode.OK, await applied.Content.ReadAsStringAsync());
            var view = await InferJson.Json(await http.GetAsync("/v1/pipelines/fashion"));
            var models = view.GetProperty("stages")[0].GetProperty("configuration").GetProperty("models");
            foreach (var replicas in top.GetProperty("replicas").EnumerateObject())
                Assert.Equal(replicas.Value.GetInt32(), models.GetProperty(replicas.Name).GetProperty("replicas").GetInt32());
        }
        finally
        {
            await GatewayServer.StopAsync(app, http);
        }

        (app, http) = await GatewayServer.StartAsync(storage);
        try
        {
            var after = await InferJson.Json(await http.GetAsync("/v1/pipelines/fashion/plan"));
            Assert.Equal(plan.GetProperty("version").GetInt32(), after.GetProperty("version").GetInt32());
            Assert.Equal(plan.GetProperty("gears").GetRawText(), after.GetProperty("gears").GetRawText());

            azurite.Stop();
            var refused = await http.PostAsJsonAsync("/v1/pipelines/fashion/plan", PlanBody(floor));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains("unavailable", (await InferJson.Json(refused)).GetProperty("detail").GetString());

            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/pipelines/fashion/plan")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/v1/pipelines/fashion/gear", new { load = 10.0 })).StatusCode);
            var image = ServingModels.Instance.Data.Test.Image(0).ToArray();
            Assert.Equal(HttpStatusCode.OK, (await InferJson.Post(http, "fashion", InferJson.Body([image], 28))).StatusCode);
        }
        finally
        {
            await GatewayServer.StopAsync(app, http);
        }
    }

    [Fact]
    public async Task Impossible_plans_and_gear_requests_are_refused_with_a_reason()
    {
        var (app, http) = await GatewayServer.StartAsync();
        try
        {
            var noPlan = await http.PostAsJsonAsync("/v1/pipelines/fashion-grid/gear", new { load = 5.0 });
            Assert.Equal(HttpStatusCode.Conflict, noPlan.StatusCode);

            var tooAccurate = await http.PostAsJsonAsync("/v1/pipelines/fashion/plan", PlanBody(0.9999));
            Assert.Equal(HttpStatusCode.BadRequest, tooAccurate.StatusCode);
            Assert.Contains("accura", (await InferJson.Json(tooAccurate)).GetProperty("detail").GetString());

            var badSlo = await http.PostAsJsonAsync("/v1/pipelines/fashion/plan", new { sloMs = -1, minAccuracy = 0.5 });
            Assert.Equal(HttpStatusCode.BadRequest, badSlo.StatusCode);

            var both = await http.PostAsJsonAsync("/v1/pipelines/fashion/gear", new { load = 1.0, index = 0 });
            Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);

            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/pipelines/resnet/plan")).StatusCode);
        }
        finally
        {
            await GatewayServer.StopAsync(app, http);
        }
    }
}
