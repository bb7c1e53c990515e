using System.Net;
using System.Text.Json;

namespace Gearbox.Tests.Http;

[Collection("gateway")]
public class EndpointTests(GatewayServer server)
{
    private HttpClient Http => server.Http;

    [Theory]
    [InlineData("/v2")]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    [InlineData("/v2/models/fashion")]
    [InlineData("/v2/models/fashion/ready")]
    [InlineData("/v2/models/fashion-grid")]
    [InlineData("/v2/models/fashion-grid/ready")]
    [InlineData("/v2/models/mlp")]
    [InlineData("/v2/models/cnn-small/ready")]
    [InlineData("/v2/models/cnn-large/ready")]
    [InlineData("/v2/models/grid-tiles/ready")]
    [InlineData("/v1/pipelines")]
    [InlineData("/v1/pipelines/fashion")]
    [InlineData("/v1/pipelines/fashion-grid")]
    [InlineData("/dashboard")]
    public async Task Every_endpoint_answers(string path)
    {
        var response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Model_metadata_gives_input_and_output_shapes()
    {
        var fashion = await InferJson.Json(await Http.GetAsync("/v2/models/fashion"));
        var grid = await InferJson.Json(await Http.GetAsync("/v2/models/fashion-grid"));

        Assert.Equal("fashion", fashion.GetProperty("name").GetString());
        Assert.Equal("[-1,28,28]", fashion.GetProperty("inputs")[0].GetProperty("shape").GetRawText());
        Assert.Equal("[-1]", fashion.GetProperty("outputs")[0].GetProperty("shape").GetRawText());
        Assert.Equal("[-1,56,56]", grid.GetProperty("inputs")[0].GetProperty("shape").GetRawText());
        Assert.Equal("[-1,4]", grid.GetProperty("outputs")[0].GetProperty("shape").GetRawText());
    }

    [Theory]
    [InlineData("/v2/models/resnet")]
    [InlineData("/v2/models/resnet/ready")]
    [InlineData("/v1/pipelines/resnet")]
    public async Task Unknown_models_are_404_problem_details(string path)
    {
        var response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("resnet", (await InferJson.Json(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Pipeline_view_shows_configuration_and_live_counters()
    {
        var image = server.Models.Data.Test.Image(0).ToArray();
        Assert.Equal(HttpStatusCode.OK, (await InferJson.Post(Http, "fashion", InferJson.Body([image], 28))).StatusCode);

        var view = await InferJson.Json(await Http.GetAsync("/v1/pipelines/fashion"));

        Assert.True(view.GetProperty("counters").GetProperty("requests").GetInt64() >= 1);
        var stage = view.GetProperty("stages")[0];
        Assert.Equal(2, stage.GetProperty("configuration").GetProperty("thresholds").EnumerateObject().Count());
        Assert.Equal(3, stage.GetProperty("configuration").GetProperty("models").EnumerateObject().Count());
        Assert.True(stage.GetProperty("workers").GetArrayLength() >= 3);
    }

    [Fact]
    public async Task Metrics_export_gearbox_and_orleans_meters()
    {
        var image = server.Models.Data.Test.Image(1).ToArray();
        await InferJson.Post(Http, "fashion", InferJson.Body([image], 28));
        var text = "";
        // The exporter caches its scrape briefly; poll until the request shows up.
        for (var i = 0; i < 20 && !text.Contains("gearbox_requests"); i++)
        {
            await Task.Delay(500);
            text = await Http.GetStringAsync("/metrics");
        }
        Assert.Contains("gearbox_requests", text);
        Assert.Contains("gearbox_batch_size", text);
        Assert.Contains("gearbox_queue_delay", text);
        Assert.Contains("orleans", text);
    }
}
