using System.Net;
using Gearbox.Data;
using Gearbox.Serving;
using Gearbox.Tests.Serving;

namespace Gearbox.Tests.Http;

[Collection("gateway")]
public class InferTests(GatewayServer server)
{
    private HttpClient Http => server.Http;
    private ImageSet Test => server.Models.Data.Test;

    private async Task<double[]> CurrentThresholds()
    {
        var view = await InferJson.Json(await Http.GetAsync("/v1/pipelines/fashion"));
        return view.GetProperty("stages")[0].GetProperty("configuration").GetProperty("thresholds")
            .EnumerateObject().Select(p => p.Value.GetDouble()).ToArray();
    }

    [Fact]
    public async Task Thousand_test_images_over_http_match_the_engines_offline_answers_exactly()
    {
        var thresholds = await CurrentThresholds();
        const int count = 1000, perRequest = 50;
        var requests = Enumerable.Range(0, count / perRequest).Select(async r =>
        {
            var images = Enumerable.Range(r * perRequest, perRequest).Select(i => Test.Image(i).ToArray());
            var response = await InferJson.Post(Http, "fashion", InferJson.Body(images, 28));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return InferJson.Labels(await InferJson.Json(response));
        });
        var labels = (await Task.WhenAll(requests)).SelectMany(l => l).ToArray();

        using var offline = new OfflineCascade(server.Models.Store, ["mlp", "cnn-small", "cnn-large"]);
        var expected = Enumerable.Range(0, count).Select(i => (long)offline.Answer(Test.ToFloats(i, 1), thresholds).Label).ToArray();
        var httpAccuracy = Enumerable.Range(0, count).Count(i => labels[i] == Test.Labels[i]) / (double)count;
        var offlineAccuracy = Enumerable.Range(0, count).Count(i => expected[i] == Test.Labels[i]) / (double)count;
        Assert.Equal(expected, labels);
        Assert.Equal(offlineAccuracy, httpAccuracy);
    }

    [Theory]
    [InlineData("UINT8", new long[] { 3, 28, 28 })]
    [InlineData("UINT8", new long[] { 3, 1, 28, 28 })]
    [InlineData("UINT8", new long[] { 3, 784 })]
    [InlineData("FP32", new long[] { 3, 28, 28 })]
    public async Task Every_accepted_shape_and_datatype_gives_the_same_answer(string datatype, long[] shape)
    {
        var images = Enumerable.Range(20, 3).Select(i => Test.Image(i).ToArray()).ToArray();
        var reference = InferJson.Labels(await InferJson.Json(await InferJson.Post(Http, "mlp", InferJson.Body(images, 28))));

        var response = await InferJson.Post(Http, "mlp", InferJson.Body(images, 28, datatype: datatype, shape: shape));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await InferJson.Json(response);
        Assert.Equal(reference, InferJson.Labels(json));
        Assert.Equal(new[] { "mlp", "mlp", "mlp" }, InferJson.Models(json));
        Assert.True(json.GetProperty("parameters").GetProperty("server_latency_ms").GetDouble() > 0);
    }

    [Fact]
    public async Task Grid_answers_have_four_labels_per_image_with_minus_one_for_empty_tiles()
    {
        var grids = GridImages.Generate(Test, 2, seed: 11);
        var images = Enumerable.Range(0, 2).Select(g => grids.Pixels.AsSpan(g * 56 * 56, 56 * 56).ToArray());

        var response = await InferJson.Post(Http, "fashion-grid", InferJson.Body(images, 56));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var label = InferJson.Output(await InferJson.Json(response), "label");
        Assert.Equal("[2,4]", label.GetProperty("shape").GetRawText());
        Assert.All(label.GetProperty("data").EnumerateArray(), l => Assert.InRange(l.GetInt64(), -1, 9));
    }

    [Fact]
    public async Task A_request_sent_long_before_its_slo_is_dropped_with_504()
    {
        var image = Test.Image(5).ToArray();
        var sentAt = (long)UnixClock.NowMs - 10_000;

        var response = await InferJson.Post(Http, "fashion", InferJson.Body([image], 28, sloMs: 11_000 - 10_000 - 990), sentAt);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Overload_gets_503_with_retry_after_and_every_other_request_an_answer()
    {
        var images = Enumerable.Range(0, 32).Select(i => Test.Image(i).ToArray()).ToArray();
        var body = InferJson.Body(images, 28);
        var sends = Enumerable.Range(0, server.MaxInFlight * 4).Select(_ => InferJson.Post(Http, "cnn-large", body));

        var responses = await Task.WhenAll(sends);

        var statuses = responses.Select(r => r.StatusCode).ToArray();
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout }));
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable), r => Assert.NotNull(r.Headers.RetryAfter));
    }
}
