using System.Net;

namespace Gearbox.Tests.Http;

[Collection("gateway")]
public class BadInputTests(GatewayServer server)
{
    private static readonly string Pixels = string.Join(",", Enumerable.Repeat("0", 784));

    public static TheoryData<string, string, HttpStatusCode> Cases => new()
    {
        { "malformed JSON", "{\"inputs\": [", HttpStatusCode.BadRequest },
        { "no inputs", "{}", HttpStatusCode.BadRequest },
        { "wrong datatype", $"{{\"inputs\":[{{\"name\":\"image\",\"datatype\":\"INT8\",\"shape\":[1,28,28],\"data\":[{Pixels}]}}]}}", HttpStatusCode.BadRequest },
        { "shape/data mismatch", $"{{\"inputs\":[{{\"name\":\"image\",\"datatype\":\"UINT8\",\"shape\":[2,28,28],\"data\":[{Pixels}]}}]}}", HttpStatusCode.BadRequest },
        { "wrong side", $"{{\"inputs\":[{{\"name\":\"image\",\"datatype\":\"UINT8\",\"shape\":[1,14,56],\"data\":[{Pixels}]}}]}}", HttpStatusCode.BadRequest },
        { "uint8 out of range", $"{{\"inputs\":[{{\"name\":\"image\",\"datatype\":\"UINT8\",\"shape\":[1,28,28],\"data\":[300{Pixels[1..]}]}}]}}", HttpStatusCode.BadRequest },
        { "fp32 out of range", $"{{\"inputs\":[{{\"name\":\"image\",\"datatype\":\"FP32\",\"shape\":[1,28,28],\"data\":[1.5{Pixels[1..]}]}}]}}", HttpStatusCode.BadRequest },
        { "negative slo", $"{{\"inputs\":[{{\"name\":\"image\",\"datatype\":\"UINT8\",\"shape\":[1,28,28],\"data\":[{Pixels}]}}],\"parameters\":{{\"slo_ms\":-5}}}}", HttpStatusCode.BadRequest },
        { "slo not a number", $"{{\"inputs\":[{{\"name\":\"image\",\"datatype\":\"UINT8\",\"shape\":[1,28,28],\"data\":[{Pixels}]}}],\"parameters\":{{\"slo_ms\":\"soon\"}}}}", HttpStatusCode.BadRequest },
        { "too many items", $"{{\"inputs\":[{{\"name\":\"image\",\"datatype\":\"UINT8\",\"shape\":[100000,28,28],\"data\":[{Pixels}]}}]}}", HttpStatusCode.RequestEntityTooLarge },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_requests_get_problem_details_with_a_reason_and_nothing_else_is_lost(string why, string body, HttpStatusCode expected)
    {
        var response = await InferJson.Post(server.Http, "fashion", body);

        Assert.True(expected == response.StatusCode, $"{why}: expected {expected}, got {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await InferJson.Json(response);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), why);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());

        var image = server.Models.Data.Test.Image(0).ToArray();
        Assert.Equal(HttpStatusCode.OK, (await InferJson.Post(server.Http, "fashion", InferJson.Body([image], 28))).StatusCode);
    }

    [Fact]
    public async Task Unknown_model_is_404_on_infer()
    {
        var response = await InferJson.Post(server.Http, "resnet", InferJson.Body([new byte[784]], 28));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Body_over_the_limit_is_413()
    {
        var huge = "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"UINT8\",\"shape\":[1,28,28],\"data\":[" + new string(' ', 40 * 1024 * 1024) + "0]}]}";
        // Expect: 100-continue, as well-behaved clients send large bodies: the server refuses on the
        // declared length before a byte of the body travels (otherwise the client sees a reset pipe).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/models/fashion/infer") { Content = InferJson.Content(huge) };
        request.Headers.ExpectContinue = true;
        var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("limit", (await InferJson.Json(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Sent_at_in_the_future_is_refused()
    {
        var future = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3_600_000;
        var response = await InferJson.Post(server.Http, "fashion", InferJson.Body([new byte[784]], 28), future);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
