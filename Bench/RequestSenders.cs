using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Gearbox.Gateway.Grpc.Inference;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Gearbox.Bench;

/// <summary>The wire protocols the bench can load the gateway with.</summary>
public enum BenchProtocol
{
    /// <summary>POST /v2/models/{name}/infer with a JSON body.</summary>
    Json,
    /// <summary>The same endpoint with the binary tensor extension: JSON header, then the raw UINT8 pixels.</summary>
    Binary,
    /// <summary>KServe v2 gRPC ModelInfer with raw_input_contents, on the gateway's gRPC port.</summary>
    Grpc,
}

/// <summary>What one request got: an HTTP-like status (200 answered, 504 dropped, 0 no answer), the labels, an error text.</summary>
public readonly record struct SendResult(int Status, int[]? Labels, string? Error);

/// <summary>Sends one infer request for one bench image, its send time (Unix ms) in the sent-at header.</summary>
public interface IRequestSender : IDisposable
{
    Task<SendResult> SendAsync(int image, double sentAtUnixMs);
}

public static class RequestSenders
{
    public const string SentAtHeader = "X-Gearbox-Sent-At";

    public static IRequestSender Create(BenchProtocol protocol, Uri target, Uri grpcTarget, string pipeline, BenchImages images, double sloMs, TimeSpan timeout) =>
        protocol switch
        {
            BenchProtocol.Json => new HttpSender(target, pipeline, images.Bodies, null, timeout),
            BenchProtocol.Binary => new HttpSender(target, pipeline, BinaryBodies(images, sloMs, out var headerLengths), headerLengths, timeout),
            BenchProtocol.Grpc => new GrpcSender(grpcTarget, pipeline, images, sloMs, timeout),
            _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
        };

    /// <summary>Whole milliseconds, rounded down: the server never credits the client with time it did not have.</summary>
    public static string SentAt(double unixMs) => Math.Floor(unixMs).ToString("F0", CultureInfo.InvariantCulture);

    /// <summary>Binary-extension bodies: a JSON header naming the raw input's size, then the pixels.</summary>
    private static byte[][] BinaryBodies(BenchImages images, double sloMs, out int[] headerLengths)
    {
        var bodies = new byte[images.Count][];
        headerLengths = new int[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            var pixels = images.Pixels[i];
            var header = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $$$"""{"inputs":[{"name":"image","datatype":"UINT8","shape":[1,{{{images.Side}}},{{{images.Side}}}],"parameters":{"binary_data_size":{{{pixels.Length}}}}}],"parameters":{"slo_ms":{{{sloMs}}}}}"""));
            bodies[i] = [.. header, .. pixels];
            headerLengths[i] = header.Length;
        }
        return bodies;
    }

    /// <summary>JSON or binary-extension requests over HTTP/1.1 on one SocketsHttpHandler; bodies pre-built and shared.</summary>
    private sealed class HttpSender : IRequestSender
    {
        private static readonly MediaTypeHeaderValue JsonType = new("application/json");
        private static readonly MediaTypeHeaderValue BinaryType = new("application/octet-stream");
        private readonly HttpClient _client;
        private readonly Uri _inferUri;
        private readonly byte[][] _bodies;
        private readonly string[]? _headerLengths;

        public HttpSender(Uri target, string pipeline, byte[][] bodies, int[]? headerLengths, TimeSpan timeout)
        {
            _inferUri = new Uri(target, $"/v2/models/{Uri.EscapeDataString(pipeline)}/infer");
            _bodies = bodies;
            _headerLengths = headerLengths?.Select(l => l.ToString(CultureInfo.InvariantCulture)).ToArray();
            var handler = new SocketsHttpHandler
            {
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
                ConnectTimeout = TimeSpan.FromSeconds(5),
                UseCookies = false,
                UseProxy = false,
                AutomaticDecompression = System.Net.DecompressionMethods.None,
            };
            _client = new HttpClient(handler) { Timeout = timeout };
        }

        public async Task<SendResult> SendAsync(int image, double sentAtUnixMs)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _inferUri) { Content = new ByteArrayContent(_bodies[image]) };
                request.Content.Headers.ContentType = _headerLengths is null ? JsonType : BinaryType;
                if (_headerLengths is not null) request.Headers.TryAddWithoutValidation("Inference-Header-Content-Length", _headerLengths[image]);
                request.Headers.TryAddWithoutValidation(SentAtHeader, SentAt(sentAtUnixMs));
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                var body = await response.Content.ReadAsByteArrayAsync();
                var status = (int)response.StatusCode;
                var labels = status == 200 ? ResponseLabels.Read(body) : null;
                return new SendResult(status, labels, status == 200 && labels is null ? "200 without a readable label output" : null);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                return new SendResult(0, null, e is TaskCanceledException ? "timeout" : e.GetBaseException().Message);
            }
        }

        public void Dispose() => _client.Dispose();
    }

    /// <summary>
    /// gRPC ModelInfer on one HTTP/2 channel: raw UINT8 pixels, slo_ms and the sent-at metadata as the
    /// HTTP senders send them; the call's deadline is the bench's timeout. Status codes map to the HTTP
    /// figures' (OK 200, DEADLINE_EXCEEDED 504, RESOURCE_EXHAUSTED 429, UNAVAILABLE 503, others 500).
    /// </summary>
    private sealed class GrpcSender : IRequestSender
    {
        private readonly GrpcChannel _channel;
        private readonly GRPCInferenceService.GRPCInferenceServiceClient _client;
        private readonly ModelInferRequest[] _requests;
        private readonly TimeSpan _timeout;

        public GrpcSender(Uri target, string pipeline, BenchImages images, double sloMs, TimeSpan timeout)
        {
            _timeout = timeout;
            _channel = GrpcChannel.ForAddress(target, new GrpcChannelOptions { MaxReceiveMessageSize = 16 * 1024 * 1024 });
            _client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
            _requests = images.Pixels.Select(pixels =>
            {
                var request = new ModelInferRequest
                {
                    ModelName = pipeline,
                    Inputs = { new ModelInferRequest.Types.InferInputTensor { Name = "image", Datatype = "UINT8", Shape = { 1, images.Side, images.Side } } },
                    RawInputContents = { ByteString.CopyFrom(pixels) },
                };
                request.Parameters["slo_ms"] = new InferParameter { Int64Param = (long)Math.Ceiling(sloMs) };
                return request;
            }).ToArray();
        }

        public async Task<SendResult> SendAsync(int image, double sentAtUnixMs)
        {
            try
            {
                var headers = new Metadata { { "x-gearbox-sent-at", SentAt(sentAtUnixMs) } };
                var response = await _client.ModelInferAsync(_requests[image], headers, DateTime.UtcNow + _timeout);
                var labels = Labels(response);
                return new SendResult(200, labels, labels is null ? "OK without a readable label output" : null);
            }
            catch (RpcException e)
            {
                var status = e.StatusCode switch
                {
                    StatusCode.DeadlineExceeded => 504,
                    StatusCode.ResourceExhausted => 429,
                    StatusCode.Unavailable => 503,
                    _ => 500,
                };
                return new SendResult(status, null, status == 504 ? null : $"{e.StatusCode}: {e.Status.Detail}");
            }
        }

        private static int[]? Labels(ModelInferResponse response)
        {
            var index = response.Outputs.ToList().FindIndex(o => o.Name == "label");
            if (index < 0) return null;
            if (response.RawOutputContents.Count == 0) return response.Outputs[index].Contents.Int64Contents.Select(l => (int)l).ToArray();
            var bytes = response.RawOutputContents[index].Span;
            var labels = new int[bytes.Length / 8];
            for (var i = 0; i < labels.Length; i++) labels[i] = (int)System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * 8)..]);
            return labels;
        }

        public void Dispose() => _channel.Dispose();
    }
}
