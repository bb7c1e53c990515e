using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gearbox.Tests.Http;
using Gearbox.Tests.Serving;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gearbox.Tests.LiveView;

/// <summary>
/// The live view in a real headless chromium against the real gateway in automatic mode: it shows every
/// declared pipeline and its gear, follows a gear pinned over HTTP within seconds, and draws load and p99;
/// the Orleans dashboard's page links to it. Leaves screenshots in the test output's screenshots/ folder.
/// </summary>
public class LiveViewBrowserTests(ITestOutputHelper output)
{
    /// <summary>How long the page may take to show a change: it polls once a second.</summary>
    private static readonly float FollowTimeoutMs = 8_000;

    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "screenshots");

    [Fact]
    public async Task Shows_every_pipeline_and_follows_a_pinned_gear()
    {
        var chromium = Chromium.Find();
        Assert.True(chromium is not null, Chromium.Missing);

        var (app, http) = await GatewayServer.StartAsync("--Gearbox:Control:Mode", "auto", "--Gearbox:PipelinesFile", TestPipelines.WithAchievableFloor());
        IPlaywright? playwright = null;
        IBrowser? browser = null;
        var pageErrors = new List<string>();
        try
        {
            var status = await WaitForGear(http, s => s.GetProperty("mode").GetString() == "auto" && s.GetProperty("gearIndex").ValueKind == JsonValueKind.Number);
            var gears = status.GetProperty("gears").GetInt32();
            var declared = (await InferJson.Json(await http.GetAsync("/v1/pipelines"))).GetProperty("pipelines").EnumerateArray()
                .Where(p => p.GetProperty("declared").GetBoolean()).Select(p => p.GetProperty("name").GetString()!).ToArray();

            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = Chromium.Flags, Timeout = 60_000 });
            var page = await browser.NewPageAsync(new() { BaseURL = http.BaseAddress!.ToString(), ViewportSize = new() { Width = 1360, Height = 900 } });
            page.PageError += (_, error) => pageErrors.Add(error);
            page.Console += (_, message) => { if (message.Type == "error") pageErrors.Add(message.Text); };

            var response = await page.GotoAsync("/live");
            Assert.Equal((int)HttpStatusCode.OK, response!.Status);
            await page.WaitForFunctionAsync("() => Number(document.body.dataset.polls) >= 1", null, new() { Timeout = 30_000 });
            await Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "ok");

            // Every declared pipeline, in order, each with its gear, mode and band.
            var shown = await page.Locator("section[data-pipeline]").EvaluateAllAsync<string[]>("sections => sections.map(s => s.dataset.pipeline)");
            Assert.Equal(declared, shown);
            var fashion = page.Locator("section[data-pipeline='fashion']");
            var gear = fashion.Locator("[data-field='gear']");
            var mode = fashion.Locator("[data-field='mode']");
            var shownGear = int.Parse(await gear.TextContentAsync() ?? "", System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(shownGear, 0, gears - 1);
            await Expect(mode).ToHaveTextAsync("auto");
            await Expect(fashion.Locator("[data-field='band']")).Not.ToHaveTextAsync("—");
            await Expect(fashion.Locator("[data-field='demand']")).ToHaveAttributeAsync("data-value", new System.Text.RegularExpressions.Regex(@"^\d"));
            await Expect(fashion.Locator("[data-field='switches'] tbody tr[data-switch]")).Not.ToHaveCountAsync(0); // the plan's first gear

            // A little real traffic (bounded: 30 requests over ~3 s) so the load and p99 charts have something to draw.
            var body = InferJson.Body([ServingModels.Instance.Data.Test.Image(0).ToArray()], 28);
            for (var i = 0; i < 30; i++)
            {
                var answer = await InferJson.Post(http, "fashion", body);
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                await Task.Delay(100);
            }

            // Pin another gear over HTTP; the page follows within a few seconds.
            var target = gears > 1 ? (shownGear == gears - 1 ? 0 : gears - 1) : 0;
            var pinned = await http.PostAsJsonAsync("/v1/pipelines/fashion/gear", new { index = target });
            Assert.True(pinned.StatusCode == HttpStatusCode.OK, await pinned.Content.ReadAsStringAsync());
            var clock = Stopwatch.StartNew();
            await Expect(mode).ToHaveTextAsync("pinned", new() { Timeout = FollowTimeoutMs });
            await Expect(gear).ToHaveTextAsync(target.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = FollowTimeoutMs });
            output.WriteLine($"gear {shownGear} → {target} of {gears}: shown on the page {clock.ElapsedMilliseconds} ms after the pin");
            var newest = fashion.Locator("[data-field='switches'] tbody tr[data-switch='0']");
            await Expect(newest).ToHaveAttributeAsync("data-to", target.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = FollowTimeoutMs });
            await Expect(newest).ToContainTextAsync("pinned");

            // The traffic shows in the two-minute charts: arrivals, the load estimate and a p99.
            await page.WaitForFunctionAsync("() => Number(document.querySelector(\"section[data-pipeline='fashion']\").dataset.arrivals) >= 30",
                null, new() { Timeout = 15_000 });
            await Expect(fashion.Locator("[data-field='p99-max']")).ToHaveAttributeAsync("data-value", new System.Text.RegularExpressions.Regex(@"^\d"));
            await Expect(fashion.Locator("svg[data-chart='load'] [data-series='arrivals']")).ToHaveCountAsync(1);
            await Expect(fashion.Locator("svg[data-chart='p99'] [data-series='p99']")).ToHaveCountAsync(1);
            await Expect(fashion.Locator("svg[data-chart='gear'] [data-series='gear']")).ToHaveCountAsync(1);

            Directory.CreateDirectory(ScreenshotDirectory);
            var shot = Path.Combine(ScreenshotDirectory, "live-view.png");
            await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
            output.WriteLine($"screenshot: {shot}");
            Assert.True(pageErrors.Count == 0, "the live view logged errors:\n" + string.Join("\n", pageErrors));

            // The Orleans dashboard's page carries a link back to the live view.
            pageErrors.Clear(); // the dashboard's own console is not ours to judge
            await page.GotoAsync("/dashboard");
            var link = page.Locator("#gearbox-live-link");
            await Expect(link).ToBeVisibleAsync(new() { Timeout = 15_000 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "dashboard-link.png") });
            await link.ClickAsync();
            await page.WaitForURLAsync("**/live");
            await Expect(page.Locator("section[data-pipeline='fashion']")).ToHaveCountAsync(1);
        }
        finally
        {
            if (browser is not null) await browser.CloseAsync();
            playwright?.Dispose();
            await GatewayServer.StopAsync(app, http);
        }
    }

    private static async Task<JsonElement> WaitForGear(HttpClient http, Func<JsonElement, bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await InferJson.Json(await http.GetAsync("/v1/pipelines/fashion/gear"));
            if (condition(status)) return status;
            if (DateTime.UtcNow > until) throw new TimeoutException($"the gateway did not switch fashion to automatic mode within 60 s: {status}");
            await Task.Delay(100);
        }
    }
}
