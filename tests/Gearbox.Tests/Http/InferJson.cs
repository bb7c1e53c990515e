using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gearbox.Tests.Http;

/// <summary>Builds Open Inference Protocol request bodies and reads responses, as a client would.</summary>
public static class InferJson
{
    public static string Body(IEnumerable<byte[]> images, int side, double? sloMs = 60_000, string datatype = "UINT8", long[]? shape = null)
    {
        var list = images.ToList();
        var data = datatype == "FP32"
            ? list.SelectMany(i => i.Select(b => (JsonNode)JsonValue.Create(b / 255f))).ToArray()
            : list.SelectMany(i => i.Select(b => (JsonNode)JsonValue.Create((int)b))).ToArray();
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "image",
                ["datatype"] = datatype,
                ["shape"] = new JsonArray((shape ?? [list.Count, side, side]).Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
                ["data"] = new JsonArray(data),
            }),
        };
        if (sloMs is not null) body["parameters"] = new JsonObject { ["slo_ms"] = sloMs };
        return body.ToJsonString();
    }

    public static StringContent Content(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<HttpResponseMessage> Post(HttpClient http, string model, string json, long? sentAtUnixMs = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/models/{model}/infer") { Content = Content(json) };
        if (sentAtUnixMs is not null) request.Headers.Add("X-Gearbox-Sent-At", sentAtUnixMs.ToString());
        return await http.SendAsync(request);
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>());

    public static JsonElement Output(JsonElement response, string name) =>
        response.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == name);

    public static long[] Labels(JsonElement response) =>
        Output(response, "label").GetProperty("data").EnumerateArray().Select(e => e.GetInt64()).ToArray();

    public static string[] Models(JsonElement response) =>
        response.GetProperty("parameters").GetProperty("models").EnumerateArray().Select(e => e.GetString()!).ToArray();
}
