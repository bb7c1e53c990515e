using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gearbox.Gateway.Protocol;
using Gearbox.Tests.Http;

namespace Gearbox.Tests.Grpc;

/// <summary>The HTTP binary tensor extension of POST /v2/models/{name}/infer, against the real gateway.</summary>
[Collection("gateway")]
public sealed class BinaryTensorTests(GatewayServer server)
{
    private byte[][] Images(int start, int count) => Enumerable.Range(start, count).Select(i => server.Models.Data.Test.Image(i).ToArray()).ToArray();

    /// <summary>A binary request: the JSON header, then the raw bytes; the header's length in Inference-Header-Content-Length.</summary>
    public static HttpRequestMessage Request(string model, string header, byte[] binary, string? headerLength = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var body = new byte[json.Length + binary.Length];
        json.CopyTo(body, 0);
        binary.CopyTo(body, json.Length);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/models/{model}/infer") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Add(BinaryTensors.HeaderLengthHeader, headerLength ?? json.Length.ToString());
        return request;
    }

    public static string Header(string datatype, long[] shape, long binarySize, string extra = "") =>
        "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"" + datatype + "\",\"shape\":[" + string.Join(",", shape) + "],\"parameters\":{\"binary_data_size\":"
        + binarySize + "}}],\"parameters\":{\"slo_ms\":60000" + extra + "}}";

    private static byte[] Fp32(byte[][] images)
    {
        var floats = images.SelectMany(i => i.Select(b => b / 255f)).ToArray();
        var bytes = new byte[floats.Length * 4];
        for (var i = 0; i < floats.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), floats[i]);
        return bytes;
    }

    /// <summary>Splits a binary answer into its JSON header and the bytes after it.</summary>
    private static async Task<(JsonElement Header, byte[] Binary)> ReadBinary(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(BinaryTensors.ContentType, response.Content.Headers.ContentType?.MediaType);
        var length = int.Parse(response.Headers.GetValues(BinaryTensors.HeaderLengthHeader).Single());
        var body = await response.Content.ReadAsByteArrayAsync();
        return (JsonDocument.Parse(body.AsMemory(0, length)).RootElement.Clone(), body[length..]);
    }

    private static long[] Int64s(ReadOnlySpan<byte> bytes)
    {
        var values = new long[bytes.Length / 8];
        for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * 8)..]);
        return values;
    }

    private async Task<long[]> JsonLabels(string model, byte[][] images, int side) =>
        InferJson.Labels(await InferJson.Json(await InferJson.Post(server.Http, model, InferJson.Body(images, side))));

    [Fact]
    public async Task Binary_uint8_in_binary_out_round_trip_gives_the_json_paths_labels()
    {
        var images = Images(40, 12);
        var expected = await JsonLabels("fashion", images, 28);
        var raw = images.SelectMany(i => i).ToArray();

        using var request = Request("fashion", Header("UINT8", [12, 28, 28], raw.Length, ",\"binary_data_output\":true"), raw);
        var (header, binary) = await ReadBinary(await server.Http.SendAsync(request));

        var outputs = header.GetProperty("outputs").EnumerateArray().ToArray();
        Assert.Equal(["label", "confidence"], outputs.Select(o => o.GetProperty("name").GetString()));
        Assert.Equal(12 * 8, outputs[0].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.Equal(12 * 4, outputs[1].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.False(outputs[0].TryGetProperty("data", out _));
        Assert.Equal(12 * 12, binary.Length);
        Assert.Equal(expected, Int64s(binary.AsSpan(0, 96)));
        Assert.Equal(12, header.GetProperty("parameters").GetProperty("models").GetArrayLength());
    }

    [Fact]
    public async Task Binary_fp32_in_json_out_answers_plain_json()
    {
        var images = Images(60, 5);
        var expected = await JsonLabels("fashion", images, 28);
        var raw = Fp32(images);

        using var request = Request("fashion", Header("FP32", [5, 1, 28, 28], raw.Length), raw);
        var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, InferJson.Labels(await InferJson.Json(response)));
    }

    [Fact]
    public async Task A_plain_json_request_may_ask_for_one_binary_output()
    {
        var images = Images(3, 4);
        var expected = await JsonLabels("mlp", images, 28);
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(InferJson.Body(images, 28))!;
        body["outputs"] = JsonSerializer.SerializeToElement(new[] { new { name = "label", parameters = new { binary_data = true } } });

        var (header, binary) = await ReadBinary(await InferJson.Post(server.Http, "mlp", JsonSerializer.Serialize(body)));

        Assert.Equal(expected, Int64s(binary));
        var confidence = header.GetProperty("outputs")[1];
        Assert.Equal(4, confidence.GetProperty("data").GetArrayLength());
    }

    public static TheoryData<string, HttpStatusCode, string> ErrorCases => new()
    {
        { "header length not a number", HttpStatusCode.BadRequest, "invalid-request" },
        { "header length past the body", HttpStatusCode.BadRequest, "invalid-request" },
        { "header cut short", HttpStatusCode.BadRequest, "malformed-json" },
        { "binary_data_size differs from the bytes", HttpStatusCode.BadRequest, "shape-data-mismatch" },
        { "bytes differ from the shape", HttpStatusCode.BadRequest, "shape-data-mismatch" },
        { "fp32 out of range", HttpStatusCode.BadRequest, "value-out-of-range" },
        { "unsupported datatype", HttpStatusCode.BadRequest, "unsupported-datatype" },
        { "both data and binary", HttpStatusCode.BadRequest, "invalid-request" },
        { "bytes after a json input", HttpStatusCode.BadRequest, "shape-data-mismatch" },
        { "too many items", HttpStatusCode.RequestEntityTooLarge, "too-many-items" },
        { "unknown output", HttpStatusCode.BadRequest, "invalid-request" },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public async Task Bad_binary_requests_get_problem_details_with_a_reason(string why, HttpStatusCode expected, string code)
    {
        var image = Images(0, 1)[0];
        using var request = why switch
        {
            "header length not a number" => Request("fashion", Header("UINT8", [1, 28, 28], 784), image, "lots"),
            "header length past the body" => Request("fashion", Header("UINT8", [1, 28, 28], 784), image, "99999"),
            "header cut short" => Request("fashion", Header("UINT8", [1, 28, 28], 784), image, "40"),
            "binary_data_size differs from the bytes" => Request("fashion", Header("UINT8", [1, 28, 28], 784), image[..700]),
            "bytes differ from the shape" => Request("fashion", Header("UINT8", [2, 28, 28], 784), image),
            "fp32 out of range" => Request("fashion", Header("FP32", [1, 28, 28], 784 * 4), Enumerable.Repeat((byte)0x7F, 784 * 4).ToArray()),
            "unsupported datatype" => Request("fashion", Header("INT8", [1, 28, 28], 784), image),
            "both data and binary" => Request("fashion",
                """{"inputs":[{"name":"image","datatype":"UINT8","shape":[1,28,28],"data":[1],"parameters":{"binary_data_size":784}}]}""", image),
            "bytes after a json input" => Request("fashion", InferJson.Body([image], 28), image),
            "too many items" => Request("fashion", Header("UINT8", [300, 28, 28], 784), image),
            "unknown output" => Request("fashion", Header("UINT8", [1, 28, 28], 784).TrimEnd('}') + "},\"outputs\":[{\"name\":\"logits\"}]}", image),
            _ => throw new ArgumentException(why),
        };

        var response = await server.Http.SendAsync(request);

        Assert.True(expected == response.StatusCode, $"{why}: expected {expected}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await InferJson.Json(response);
        Assert.Equal("urn:gearbox:problem:" + code, problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Random_and_truncated_binary_bodies_get_4xx_problems_and_the_server_keeps_answering()
    {
        var random = new Random(4242);
        var image = Images(9, 1)[0];
        var valid = Header("UINT8", [1, 28, 28], 784);
        for (var round = 0; round < 120; round++)
        {
            HttpRequestMessage request;
            switch (round % 4)
            {
                case 0: // random bytes, random header length
                    var noise = new byte[random.Next(0, 3000)];
                    random.NextBytes(noise);
                    request = Request("fashion", "", noise, random.Next(-5, 3500).ToString());
                    break;
                case 1: // the valid body cut anywhere
                    var whole = Encoding.UTF8.GetBytes(valid).Concat(image).ToArray();
                    var cut = random.Next(0, whole.Length);
                    request = Request("fashion", "", whole[..cut], Encoding.UTF8.GetByteCount(valid).ToString());
                    break;
                case 2: // random shapes and sizes
                    long[] shape = [random.Next(-2, 400), random.Next(0, 60), random.Next(0, 60)];
                    var binary = new byte[random.Next(0, 2) == 0 ? 784 : random.Next(0, 5000)];
                    random.NextBytes(binary);
                    request = Request(random.Next(10) == 0 ? "nope" : "mlp", Header(random.Next(2) == 0 ? "UINT8" : "FP32", shape, binary.Length), binary);
                    break;
                default: // a valid header whose bytes are flipped
                    var header = Encoding.UTF8.GetBytes(valid);
                    header[random.Next(header.Length)] = (byte)random.Next(256);
                    request = Request("mlp", "", header.Concat(image).ToArray(), header.Length.ToString());
                    break;
            }

            using (request)
            {
                var response = await server.Http.SendAsync(request);
                var status = (int)response.StatusCode;
                Assert.True(status is 200 or 400 or 404 or 413 or 504, $"round {round}: {status} {await response.Content.ReadAsStringAsync()}");
                if (status != 200)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    Assert.False(string.IsNullOrWhiteSpace((await InferJson.Json(response)).GetProperty("detail").GetString()));
                }
            }
        }

        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/v2/health/ready")).StatusCode);
        using var ok = Request("fashion", Header("UINT8", [1, 28, 28], 784), image);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(ok)).StatusCode);
    }
}
