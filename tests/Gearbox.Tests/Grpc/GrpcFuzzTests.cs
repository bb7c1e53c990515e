using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Gearbox.Gateway.Grpc.Inference;
using Gearbox.Tests.Http;
using Google.Protobuf;
using Grpc.Core;

namespace Gearbox.Tests.Grpc;

/// <summary>
/// Seeded, bounded fuzzing of ModelInfer below the client library: gRPC frames written by hand over
/// HTTP/2 cleartext, holding random bytes, truncated or bit-flipped requests and requests with random
/// shapes, datatypes and content lengths. Every call must end with a clear status (never INTERNAL or
/// UNKNOWN, always a message) and the server must stay ready and keep answering.
/// </summary>
[Collection("gateway")]
public sealed class GrpcFuzzTests(GatewayServer server) : IDisposable
{
    private const string Path = "/inference.GRPCInferenceService/ModelInfer";
    private static readonly StatusCode[] Clear = [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.ResourceExhausted, StatusCode.DeadlineExceeded];

    private readonly HttpClient _h2 = new(new SocketsHttpHandler())
    {
        BaseAddress = server.GrpcAddress,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public void Dispose() => _h2.Dispose();

    /// <summary>Sends one gRPC frame body (already framed or not) and returns grpc-status and grpc-message.</summary>
    private async Task<(StatusCode Status, string Message)> Send(byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path)
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        using var response = await _h2.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsByteArrayAsync();
        var status = Header(response, "grpc-status");
        Assert.True(status is not null, "the answer has no grpc-status");
        return ((StatusCode)int.Parse(status), Uri.UnescapeDataString(Header(response, "grpc-message") ?? ""));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var t) ? t.First()
        : response.Headers.TryGetValues(name, out var h) ? h.First() : null;

    private static byte[] Frame(ReadOnlySpan<byte> message, int? declaredLength = null)
    {
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)(declaredLength ?? message.Length));
        message.CopyTo(frame.AsSpan(5));
        return frame;
    }

    private byte[] ValidMessage() => GrpcInfer.Request("mlp", [server.Models.Data.Test.Image(3).ToArray()], 28).ToByteArray();

    [Fact]
    public async Task A_hand_framed_valid_request_answers_ok()
    {
        var (status, message) = await Send(Frame(ValidMessage()));
        Assert.True(status == StatusCode.OK, message);
    }

    [Fact]
    public async Task Bytes_that_are_not_protobuf_get_invalid_argument_saying_so()
    {
        // Field 1 (model_name) as a length-delimited string whose length runs past the end.
        var (status, message) = await Send(Frame([0x0A, 0x7F, (byte)'m', (byte)'l']));
        Assert.Equal(StatusCode.InvalidArgument, status);
        Assert.Contains("protobuf", message);
    }

    [Fact]
    public async Task Malformed_frames_and_messages_get_clear_errors_and_the_server_stays_ready()
    {
        var random = new Random(20261202);
        var valid = ValidMessage();
        var seen = new Dictionary<StatusCode, int>();
        for (var round = 0; round < 160; round++)
        {
            byte[] body;
            var kind = round % 8;
            switch (kind)
            {
                case 0: // random bytes as the message
                    var bytes = new byte[random.Next(0, 4096)];
                    random.NextBytes(bytes);
                    body = Frame(bytes);
                    break;
                case 1: // the valid message cut short
                    body = Frame(valid.AsSpan(0, random.Next(0, valid.Length)));
                    break;
                case 2: // bytes of the valid message flipped
                    var flipped = (byte[])valid.Clone();
                    for (var f = 0; f < 1 + random.Next(8); f++) flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                    body = Frame(flipped);
                    break;
                case 3: // a frame whose declared length is longer than what follows (truncated stream)
                    body = Frame(valid.AsSpan(0, valid.Length / 2), valid.Length);
                    break;
                default: // well-formed protobuf with random shapes, datatypes and content lengths
                    body = Frame(RandomRequest(random).ToByteArray());
                    break;
            }

            var (status, message) = await Send(body);

            seen[status] = seen.GetValueOrDefault(status) + 1;
            if (kind == 3)
            {
                // The framework refuses a truncated frame itself; it must still say why.
                Assert.NotEqual(StatusCode.OK, status);
            }
            else
            {
                Assert.True(Clear.Contains(status), $"round {round} (kind {kind}): {status} {message}");
            }
            if (status != StatusCode.OK) Assert.False(string.IsNullOrWhiteSpace(message), $"round {round}: {status} without a message");
        }
        Assert.True(seen.GetValueOrDefault(StatusCode.InvalidArgument) > 20, string.Join(", ", seen));

        using var channel = GrpcInfer.Channel(server.GrpcAddress);
        var client = GrpcInfer.Client(channel);
        Assert.True((await client.ServerReadyAsync(new ServerReadyRequest(), deadline: DateTime.UtcNow.AddSeconds(60))).Ready);
        var answer = await client.ModelInferAsync(GrpcInfer.Request("fashion", [server.Models.Data.Test.Image(1).ToArray()], 28), deadline: DateTime.UtcNow.AddSeconds(60));
        Assert.Single(GrpcInfer.Labels(answer));
    }

    private ModelInferRequest RandomRequest(Random random)
    {
        string[] datatypes = ["UINT8", "FP32", "INT8", "", "BYTES"];
        long[] dims = [-3, 0, 1, 2, 3, 14, 27, 28, 29, 56, 784, 257, 100_000, 1L << 40, long.MaxValue];
        var input = new ModelInferRequest.Types.InferInputTensor
        {
            Name = random.Next(10) == 0 ? "img" : "image",
            Datatype = datatypes[random.Next(datatypes.Length)],
        };
        var rank = random.Next(0, 7);
        for (var d = 0; d < rank; d++) input.Shape.Add(random.Next(3) == 0 ? dims[random.Next(dims.Length)] : d == 0 ? random.Next(1, 4) : 28);
        var request = new ModelInferRequest { ModelName = random.Next(12) == 0 ? "nope" : "mlp", Inputs = { input } };
        request.Parameters["slo_ms"] = new InferParameter { Int64Param = 60_000 };
        var elements = random.Next(3) == 0 ? random.Next(0, 5000) : 784 * Math.Max(1, random.Next(0, 4));
        switch (random.Next(4))
        {
            case 0:
                var raw = new byte[elements * (input.Datatype == "FP32" ? 4 : 1)];
                random.NextBytes(raw);
                if (input.Datatype == "FP32" && random.Next(2) == 0)
                    for (var i = 0; i + 4 <= raw.Length; i += 4) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i), random.NextSingle());
                request.RawInputContents.Add(ByteString.CopyFrom(raw));
                break;
            case 1:
                input.Contents = new InferTensorContents { UintContents = { Enumerable.Range(0, elements).Select(_ => (uint)random.Next(0, random.Next(2) == 0 ? 256 : 1000)) } };
                break;
            case 2:
                input.Contents = new InferTensorContents { Fp32Contents = { Enumerable.Range(0, elements).Select(_ => random.NextSingle() * (random.Next(4) == 0 ? 3 : 1)) } };
                break;
            default:
                if (random.Next(2) == 0) request.Parameters["slo_ms"] = new InferParameter { Int64Param = random.Next(-10, 100_000) };
                request.RawInputContents.Add(ByteString.CopyFrom(new byte[elements]));
                request.RawInputContents.Add(ByteString.CopyFrom(new byte[random.Next(0, 10)]));
                break;
        }
        return request;
    }
}
