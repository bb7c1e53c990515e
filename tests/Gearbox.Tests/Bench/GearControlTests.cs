using System.Text.Json;
using Gearbox.Bench;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gearbox.Tests.Bench;

/// <summary>
/// The bench's gear-plan client against stub gateways on loopback: one speaking the automatic-switching
/// API (mode, {"auto": true}, history), one like the gateways before it (POST /gear takes load or index only).
/// </summary>
public class GearControlTests
{
    private const string Plan = """
        {"version":2,"request":{"pipeline":"fashion","sloMs":100,"minAccuracy":0.9,"devices":2},
         "gears":[{"index":0,"minLoad":0,"maxLoad":50,"predictedAccuracy":0.9},{"index":1,"minLoad":50,"maxLoad":500}],"ceiling":400,"notes":[]}
        """;

    private static async Task<(WebApplication App, Uri Target, List<string> Posts)> StubAsync(bool autoSwitching)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        app.UseStatusCodePages();
        var posts = new List<string>();
        app.MapGet("/v1/pipelines/fashion/plan", () => Results.Text(Plan, "application/json"));
        app.MapGet("/v1/pipelines/nothing/plan", () => Results.Problem("Pipeline 'nothing' has no gear plan yet.", statusCode: 404, title: "No plan"));
        app.MapPost("/v1/pipelines/fashion/gear", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            lock (posts) posts.Add(body.RootElement.GetRawText());
            var auto = body.RootElement.TryGetProperty("auto", out _);
            return auto && !autoSwitching
                ? Results.Problem("Give exactly one of 'load' (req/s) or 'index' (gear number).", statusCode: 400, title: "Invalid gear request")
                : body.RootElement.TryGetProperty("index", out var i) && i.GetInt32() > 1
                    ? Results.Problem($"The plan has no gear {i.GetInt32()}.", statusCode: 400, title: "Impossible plan or gear request")
                    : Results.Text("""{"planVersion":2,"gearIndex":1}""", "application/json");
        });
        if (autoSwitching)
        {
            app.MapGet("/v1/pipelines/fashion/gear", () => Results.Text(
                """{"mode":"auto","gearIndex":1,"planVersion":2,"band":{"minLoad":50,"maxLoad":500},"estimate":{"rate":123.4,"burst":false}}""", "application/json"));
            app.MapGet("/v1/pipelines/fashion/gear/history", () => Results.Text(
                """{"switches":[{"at":"2026-12-01T10:00:05Z","from":0,"to":1,"load":480,"reason":"rate above band"}]}""", "application/json"));
        }
        else
        {
            app.MapGet("/v1/pipelines/fashion/gear", () => Results.Text("""{"planVersion":2,"gearIndex":1,"load":null,"overCeiling":false}""", "application/json"));
        }
        await app.StartAsync();
        return (app, new Uri($"http://127.0.0.1:{port}"), posts);
    }

    [Fact]
    public async Task A_gateway_with_automatic_switching_is_pinned_resumed_and_read()
    {
        var (app, target, posts) = await StubAsync(autoSwitching: true);
        await using var _ = app;
        using var control = new GearControl(target, "fashion");

        var plan = await control.GetPlanAsync();
        await control.PinAsync(1);
        var resumed = await control.ResumeAutoAsync();
        var (state, stateProblem) = await control.GetStateAsync();
        var (history, historyProblem) = await control.GetHistoryAsync();

        Assert.Equal(2, plan.Version);
        Assert.Equal(400, plan.TestRate(plan.Gears[1]));
        Assert.Equal(["""{"index":1}""", """{"auto":true}"""], posts);
        Assert.Null(resumed);
        Assert.Null(stateProblem);
        Assert.Equal(new GearState("auto", 1, 2, 50, 500, 123.4, false), state);
        Assert.Null(historyProblem);
        Assert.Equal(1, Assert.Single(history!).To);
        var refused = await Assert.ThrowsAsync<GearControlException>(() => control.PinAsync(7));
        Assert.Contains("The plan has no gear 7", refused.Message);
    }

    [Fact]
    public async Task An_older_gateway_gets_a_warning_not_a_failure()
    {
        var (app, target, _) = await StubAsync(autoSwitching: false);
        await using var _ = app;
        using var control = new GearControl(target, "fashion");

        var resumed = await control.ResumeAutoAsync();
        var (state, _) = await control.GetStateAsync();
        var (history, historyProblem) = await control.GetHistoryAsync();

        Assert.Contains(GearControl.NoAutoSwitching, resumed);
        Assert.Equal(new GearState(null, 1, 2, null, null, null, null), state);
        Assert.Null(history);
        Assert.Contains(GearControl.NoAutoSwitching, historyProblem);
    }

    [Fact]
    public async Task A_pipeline_without_a_plan_is_refused_with_how_to_make_one()
    {
        var (app, target, _) = await StubAsync(autoSwitching: true);
        await using var _ = app;
        using var control = new GearControl(target, "nothing");

        var error = await Assert.ThrowsAsync<GearControlException>(control.GetPlanAsync);

        Assert.Contains("has no gear plan yet", error.Message);
        Assert.Contains("curl -XPOST", error.Message);
        Assert.Equal(GearControl.NoAutoSwitching + " (GET /v1/pipelines/nothing/gear/history: HTTP 404: Not Found)", (await control.GetHistoryAsync()).Problem);
    }
}
