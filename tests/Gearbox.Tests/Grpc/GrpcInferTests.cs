using System.Net;
using Gearbox.Data;
using Gearbox.Gateway;
using Gearbox.Gateway.Grpc;
using Gearbox.Gateway.Grpc.Inference;
using Gearbox.Serving;
using Gearbox.Tests.Http;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Gearbox.Tests.Grpc;

/// <summary>KServe v2 gRPC against the real gateway (h2c on its gRPC port), compared with the JSON path.</summary>
[Collection("gateway")]
public sealed class GrpcInferTests(GatewayServer server) : IDisposable
{
    private readonly global::Grpc.Net.Client.GrpcChannel _channel = GrpcInfer.Channel(server.GrpcAddress);
    private GRPCInferenceService.GRPCInferenceServiceClient Client => GrpcInfer.Client(_channel);
    private ImageSet Test => server.Models.Data.Test;

    public void Dispose() => _channel.Dispose();

    private byte[][] Images(int start, int count) => Enumerable.Range(start, count).Select(i => Test.Image(i).ToArray()).ToArray();

    private static CallOptions Within(double seconds) => new(deadline: DateTime.UtcNow.AddSeconds(seconds));

    private async Task<long[]> JsonLabels(string model, byte[][] images, int side)
    {
        var response = await InferJson.Post(server.Http, model, InferJson.Body(images, side));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return InferJson.Labels(await InferJson.Json(response));
    }

    [Theory]
    [InlineData("UINT8", true)]
    [InlineData("UINT8", false)]
    [InlineData("FP32", true)]
    [InlineData("FP32", false)]
    public async Task Grpc_labels_equal_the_json_paths_for_the_same_images(string datatype, bool raw)
    {
        var images = Images(100, 24);
        var expected = await JsonLabels("fashion", images, 28);

        var response = await Client.ModelInferAsync(GrpcInfer.Request("fashion", images, 28, raw, datatype), Within(60));

        Assert.Equal(expected, GrpcInfer.Labels(response));
        Assert.Equal(raw, response.RawOutputContents.Count > 0);
        Assert.Equal("fashion", response.ModelName);
        Assert.Equal(["label", "confidence"], response.Outputs.Select(o => o.Name));
        Assert.All(response.Outputs, o => Assert.Equal(new long[] { 24 }, o.Shape));
        Assert.All(GrpcInfer.Confidences(response), c => Assert.InRange(c, 0f, 1f));
        var models = response.Parameters[GrpcInferResponse.ModelsParameter].StringParam.Split(';');
        Assert.Equal(24, models.Length);
        Assert.All(models, m => Assert.Contains(m, new[] { "mlp", "cnn-small", "cnn-large" }));
    }

    [Fact]
    public async Task Grid_answers_have_four_labels_per_image_like_the_json_path()
    {
        var grids = GridImages.Generate(Test, 2, seed: 11);
        var images = Enumerable.Range(0, 2).Select(g => grids.Pixels.AsSpan(g * 56 * 56, 56 * 56).ToArray()).ToArray();
        var expected = await JsonLabels("fashion-grid", images, 56);

        var request = GrpcInfer.Request("fashion-grid", images, 56);
        request.Id = "grid-1";
        var response = await Client.ModelInferAsync(request, Within(60));

        Assert.Equal(expected, GrpcInfer.Labels(response));
        Assert.Equal(new long[] { 2, 4 }, response.Outputs[0].Shape);
        Assert.Equal("grid-1", response.Id);
    }

    [Fact]
    public async Task Asking_for_binary_outputs_or_one_output_is_honoured()
    {
        var images = Images(7, 3);
        var request = GrpcInfer.Request("mlp", images, 28, raw: false);
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "label", Parameters = { ["binary_data"] = new InferParameter { BoolParam = true } } });

        var response = await Client.ModelInferAsync(request, Within(60));

        Assert.Equal(["label"], response.Outputs.Select(o => o.Name));
        Assert.Single(response.RawOutputContents);
        Assert.Equal(await JsonLabels("mlp", images, 28), GrpcInfer.Labels(response));
    }

    [Fact]
    public async Task Health_and_metadata_answer_like_the_http_api()
    {
        Assert.True((await Client.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await Client.ServerReadyAsync(new ServerReadyRequest(), Within(60))).Ready);
        Assert.True((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "fashion" }, Within(60))).Ready);
        Assert.Equal("gearbox", (await Client.ServerMetadataAsync(new ServerMetadataRequest())).Name);

        var metadata = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "fashion-grid" });
        Assert.Equal(["UINT8", "FP32"], metadata.Inputs.Select(i => i.Datatype));
        Assert.All(metadata.Inputs, i => Assert.Equal(new long[] { -1, 56, 56 }, i.Shape));
        Assert.Equal(new long[] { -1, 4 }, metadata.Outputs.Single(o => o.Name == "label").Shape);

        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "resnet" }));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.ModelReadyAsync(new ModelReadyRequest { Name = "resnet" }))).StatusCode);
    }

    public static TheoryData<string, StatusCode, string> ErrorCases => new()
    {
        { "unknown model", StatusCode.NotFound, "model-not-found" },
        { "no inputs", StatusCode.InvalidArgument, "invalid-request" },
        { "two inputs", StatusCode.InvalidArgument, "invalid-request" },
        { "unknown input name", StatusCode.InvalidArgument, "invalid-request" },
        { "unsupported datatype", StatusCode.InvalidArgument, "unsupported-datatype" },
        { "negative dimension", StatusCode.InvalidArgument, "invalid-shape" },
        { "wrong side", StatusCode.InvalidArgument, "wrong-image-side" },
        { "raw too short", StatusCode.InvalidArgument, "shape-data-mismatch" },
        { "typed count mismatch", StatusCode.InvalidArgument, "shape-data-mismatch" },
        { "raw and typed", StatusCode.InvalidArgument, "invalid-request" },
        { "no elements", StatusCode.InvalidArgument, "invalid-request" },
        { "uint8 above 255", StatusCode.InvalidArgument, "value-out-of-range" },
        { "fp32 above 1", StatusCode.InvalidArgument, "value-out-of-range" },
        { "fp32 NaN raw", StatusCode.InvalidArgument, "value-out-of-range" },
        { "negative slo", StatusCode.InvalidArgument, "invalid-slo" },
        { "unknown output", StatusCode.InvalidArgument, "invalid-request" },
        { "too many items", StatusCode.ResourceExhausted, "too-many-items" },
        { "bad sent-at", StatusCode.InvalidArgument, "invalid-sent-at" },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public async Task Each_bad_request_gets_its_status_and_reason_and_the_server_stays_ready(string why, StatusCode expected, string problem)
    {
        var image = Test.Image(0).ToArray();
        var request = GrpcInfer.Request("fashion", [image], 28);
        var headers = new Metadata();
        switch (why)
        {
            case "unknown model": request.ModelName = "resnet"; break;
            case "no inputs": request.Inputs.Clear(); request.RawInputContents.Clear(); break;
            case "two inputs": request.Inputs.Add(request.Inputs[0].Clone()); break;
            case "unknown input name": request.Inputs[0].Name = "pixels"; break;
            case "unsupported datatype": request.Inputs[0].Datatype = "INT8"; break;
            case "negative dimension": request.Inputs[0].Shape[0] = -1; break;
            case "wrong side": request.Inputs[0].Shape[1] = 14; request.Inputs[0].Shape[2] = 14; break;
            case "raw too short": request.RawInputContents[0] = ByteString.CopyFrom(image[..700]); break;
            case "typed count mismatch": request = GrpcInfer.Request("fashion", [image], 28, raw: false); request.Inputs[0].Contents.UintContents.RemoveAt(0); break;
            case "raw and typed": request.Inputs[0].Contents = new InferTensorContents { UintContents = { 1u } }; break;
            case "no elements": request.RawInputContents.Clear(); break;
            case "uint8 above 255": request = GrpcInfer.Request("fashion", [image], 28, raw: false); request.Inputs[0].Contents.UintContents[5] = 300; break;
            case "fp32 above 1": request = GrpcInfer.Request("fashion", [image], 28, raw: false, datatype: "FP32"); request.Inputs[0].Contents.Fp32Contents[3] = 1.5f; break;
            case "fp32 NaN raw":
                request = GrpcInfer.Request("fashion", [image], 28, datatype: "FP32");
                var bytes = request.RawInputContents[0].ToByteArray();
                BitConverter.TryWriteBytes(bytes.AsSpan(8), float.NaN);
                request.RawInputContents[0] = ByteString.CopyFrom(bytes);
                break;
            case "negative slo": request.Parameters["slo_ms"] = new InferParameter { Int64Param = -5 }; break;
            case "unknown output": request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "logits" }); break;
            case "too many items": request.Inputs[0].Shape[0] = 100_000; break;
            case "bad sent-at": headers.Add(InferenceService.SentAtMetadata, "yesterday"); break;
            default: throw new ArgumentException(why);
        }

        var e = await Assert.ThrowsAsync<RpcException>(async () => await Client.ModelInferAsync(request, headers, DateTime.UtcNow.AddSeconds(60)));

        Assert.True(expected == e.StatusCode, $"{why}: expected {expected}, got {e.StatusCode} ({e.Status.Detail})");
        Assert.Equal(problem, GrpcInfer.Problem(e));
        Assert.False(string.IsNullOrWhiteSpace(e.Status.Detail), why);
        var ok = await Client.ModelInferAsync(GrpcInfer.Request("fashion", [image], 28), Within(60));
        Assert.Single(GrpcInfer.Labels(ok));
    }

    [Fact]
    public async Task A_message_over_the_body_limit_is_resource_exhausted()
    {
        var request = GrpcInfer.Request("fashion", [Test.Image(0).ToArray()], 28);
        request.RawInputContents[0] = ByteString.CopyFrom(new byte[Gateway.Protocol.ProtocolLimits.MaxBodyBytes + 1024]);

        var e = await Assert.ThrowsAsync<RpcException>(async () => await Client.ModelInferAsync(request, Within(60)));

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("size", e.Status.Detail);
    }

    [Fact]
    public async Task A_full_gateway_answers_resource_exhausted_with_retry_after()
    {
        var admission = server.Services.GetRequiredService<Admission>();
        var taken = 0;
        while (admission.TryEnter()) taken++;
        try
        {
            var e = await Assert.ThrowsAsync<RpcException>(async () =>
                await Client.ModelInferAsync(GrpcInfer.Request("fashion", [Test.Image(0).ToArray()], 28), Within(60)));
            Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
            Assert.Equal("overloaded", GrpcInfer.Problem(e));
            Assert.Equal("1", e.Trailers.GetValue(GrpcErrors.RetryAfterTrailer));
        }
        finally
        {
            for (var i = 0; i < taken; i++) admission.Exit();
        }
        Assert.Single(GrpcInfer.Labels(await Client.ModelInferAsync(GrpcInfer.Request("fashion", [Test.Image(0).ToArray()], 28), Within(60))));
    }

    [Fact]
    public async Task A_call_sent_long_before_its_slo_is_dropped_with_deadline_exceeded_and_a_reason()
    {
        var request = GrpcInfer.Request("fashion", [Test.Image(5).ToArray()], 28, sloMs: 10);
        var headers = new Metadata { { InferenceService.SentAtMetadata, ((long)UnixClock.NowMs - 900).ToString() } };

        var e = await Assert.ThrowsAsync<RpcException>(async () => await Client.ModelInferAsync(request, headers, DateTime.UtcNow.AddSeconds(60)));

        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.Equal("deadline-exceeded", GrpcInfer.Problem(e));
        Assert.Contains("SLO", e.Status.Detail);
    }

    [Fact]
    public async Task A_grpc_deadline_too_short_for_the_work_is_deadline_exceeded_and_a_generous_one_answers()
    {
        var images = Images(0, 64);

        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.ModelInferAsync(GrpcInfer.Request("cnn-large", images, 28), deadline: DateTime.UtcNow.AddMilliseconds(2)));
        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);

        var response = await Client.ModelInferAsync(GrpcInfer.Request("cnn-large", images, 28), Within(60));
        Assert.Equal(64, GrpcInfer.Labels(response).Length);
    }

    [Fact]
    public void Cluster_failures_map_to_unavailable_and_refused_inputs_to_invalid_argument()
    {
        Assert.Equal(StatusCode.Unavailable, GrpcErrors.FromException(new Orleans.Runtime.OrleansException("silo gone"))!.StatusCode);
        Assert.Equal(StatusCode.Unavailable, GrpcErrors.FromException(new TimeoutException("response timed out"))!.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, GrpcErrors.FromException(new ArgumentException("bad batch"))!.StatusCode);
        Assert.Equal("cluster-unavailable", GrpcErrors.FromException(new TimeoutException("x"))!.Trailers.GetValue(GrpcErrors.ProblemTrailer));
        Assert.Null(GrpcErrors.FromException(new InvalidOperationException("a bug")));
    }
}
