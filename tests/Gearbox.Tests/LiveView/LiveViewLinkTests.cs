using System.Net;
using System.Net.Http.Headers;
using Gearbox.Tests.Http;

namespace Gearbox.Tests.LiveView;

/// <summary>The live view is served from the gateway's assembly and can be found from /, /v1/pipelines and the dashboard.</summary>
[Collection("gateway")]
public class LiveViewLinkTests(GatewayServer server)
{
    [Fact]
    public async Task Serves_the_page_and_its_assets()
    {
        var page = await server.Http.GetAsync("/live");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("/live/live.js", html);
        Assert.Contains("id=\"live-status\"", html);

        var script = await server.Http.GetAsync("/live/live.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("data-pipeline", await script.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/live/live.css")).StatusCode);
    }

    [Fact]
    public async Task Root_dashboard_and_pipeline_list_link_to_it()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Http.BaseAddress };

        using var browser = new HttpRequestMessage(HttpMethod.Get, "/");
        browser.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        var toLive = await http.SendAsync(browser);
        Assert.Equal(HttpStatusCode.Redirect, toLive.StatusCode);
        Assert.Equal("/live", toLive.Headers.Location?.ToString());
        // A program (no text/html) still gets the JSON list.
        var toList = await http.GetAsync("/");
        Assert.Equal("/v1/pipelines", toList.Headers.Location?.ToString());

        var list = await InferJson.Json(await http.GetAsync("/v1/pipelines"));
        Assert.Equal("/live", list.GetProperty("links").GetProperty("live").GetString());

        using var dashboardRequest = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        dashboardRequest.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var dashboard = await http.SendAsync(dashboardRequest);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        var dashboardHtml = await dashboard.Content.ReadAsStringAsync();
        Assert.Contains("id=\"gearbox-live-link\" href=\"/live\"", dashboardHtml);
        Assert.Contains("</html>", dashboardHtml); // the whole page arrived, uncompressed, with the right length
    }
}
