using System.Diagnostics;
using Gearbox.Contracts.Serving;
using Gearbox.Gateway.Endpoints;
using Gearbox.Gateway.Grpc.Inference;
using Gearbox.Gateway.Protocol;
using Gearbox.Serving;
using Grpc.Core;

namespace Gearbox.Gateway.Grpc;

/// <summary>
/// inference.GRPCInferenceService (KServe v2 / Open Inference Protocol over gRPC) on the gateway: the
/// same catalog, admission, deadline rules and pipeline grains as POST /v2/models/{name}/infer.
/// The call's gRPC deadline is the request's SLO (parameters.slo_ms, when also sent, may tighten it);
/// without a deadline the pipeline's default SLO applies. Bound by <see cref="InferenceMethods"/>.
/// </summary>
public sealed class InferenceService(
    PipelineCatalog catalog, GrainReferences<IPipelineRouterGrain> pipelines, IGrainFactory grains, Admission admission, GatewayOptions options, ClusterCalls cluster)
{
    /// <summary>gRPC metadata twin of the X-Gearbox-Sent-At header: when the client sent the call, Unix ms.</summary>
    public const string SentAtMetadata = "x-gearbox-sent-at";

    public Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public async Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context)
    {
        foreach (var pipeline in catalog.Declared)
            if (!await HealthEndpoints.IsReady(grains, pipeline.Name, context.CancellationToken)) return new ServerReadyResponse { Ready = false };
        return new ServerReadyResponse { Ready = true };
    }

    public async Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        var pipeline = Find(request.Name);
        return new ModelReadyResponse { Ready = await HealthEndpoints.IsReady(grains, pipeline.Name, context.CancellationToken) };
    }

    public Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse
        {
            Name = "gearbox",
            Version = typeof(InferenceService).Assembly.GetName().Version?.ToString(3) ?? "0.1.0",
        });

    public Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var pipeline = Find(request.Name);
        var side = pipeline.InputSide;
        long[] outputShape = InferResponseWriter.SlotsPerItem(pipeline) == 1 ? [-1] : [-1, InferResponseWriter.SlotsPerItem(pipeline)];
        var response = new ModelMetadataResponse { Name = pipeline.Name, Platform = "gearbox_torchsharp", Versions = { "1" } };
        foreach (var datatype in new[] { ImageTensor.Uint8, ImageTensor.Fp32 })
            response.Inputs.Add(new ModelMetadataResponse.Types.TensorMetadata { Name = ImageTensor.InputName, Datatype = datatype, Shape = { -1, side, side } });
        response.Outputs.Add(new ModelMetadataResponse.Types.TensorMetadata { Name = GrpcInferRequest.LabelOutput, Datatype = "INT64", Shape = { outputShape } });
        response.Outputs.Add(new ModelMetadataResponse.Types.TensorMetadata { Name = GrpcInferRequest.ConfidenceOutput, Datatype = "FP32", Shape = { outputShape } });
        return Task.FromResult(response);
    }

    public async Task<ModelInferResponse> ModelInfer(ModelInferRequest message, ServerCallContext context)
    {
        var arrival = UnixClock.NowMs;
        var name = message.ModelName;
        if (!catalog.TryGet(name, out var pipeline))
            throw Fail(name, "not_found", arrival, ProtocolErrors.ModelNotFound(name, catalog.All.Select(p => p.Name)));
        if (!admission.TryEnter())
            throw Fail(name, "overloaded", arrival, ProtocolErrors.Overloaded(
                $"{admission.InFlight} requests are in flight, the gateway's limit is {options.MaxInFlight}; retry shortly.", options.RetryAfterSeconds));
        try
        {
            var parsed = GrpcInferRequest.Read(message, pipeline);
            if (!parsed.IsOk) throw Fail(name, "bad_request", arrival, parsed.Error);
            var request = parsed.Value;

            var deadline = Deadline(context, request.Request.SloMs, pipeline, arrival);
            if (!deadline.IsOk) throw Fail(name, "bad_request", arrival, deadline.Error);
            var (deadlineUnixMs, sloMs) = (deadline.Value.DeadlineUnixMs, deadline.Value.SloMs);
            if (deadlineUnixMs <= arrival)
                throw Fail(name, "dropped", arrival, ProtocolErrors.DeadlineExceeded(
                    $"The call's deadline (SLO {sloMs:F0} ms) had passed {arrival - deadlineUnixMs:F0} ms before it arrived."));

            PipelineItem[] results;
            try
            {
                var called = await cluster.RunAsync(attempt => pipelines.Get(name).Infer(request.Request.Images, deadlineUnixMs, attempt),
                    deadlineUnixMs, context.CancellationToken);
                if (!called.IsOk) throw Fail(name, called.Error.Status == 504 ? "dropped" : "unavailable", arrival, called.Error);
                results = called.Value;
            }
            catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
            {
                if (context.Deadline <= DateTime.UtcNow)
                    throw Fail(name, "dropped", arrival, ProtocolErrors.DeadlineExceeded(
                        $"The call's deadline (SLO {sloMs:F0} ms) passed before the pipeline answered."));
                Record(name, "cancelled", UnixClock.NowMs - arrival);
                throw GrpcErrors.Status(StatusCode.Cancelled, "cancelled", "The client cancelled the call.");
            }
            catch (Exception e) when (GrpcErrors.FromException(e) is { } mapped)
            {
                Record(name, "failed", UnixClock.NowMs - arrival);
                throw mapped;
            }

            var dropped = results.Count(r => r.Status != ItemStatus.Ok);
            if (dropped > 0)
                throw Fail(name, "dropped", arrival, ProtocolErrors.DeadlineExceeded(
                    $"{dropped} of {results.Length} items could not be answered within the SLO of {sloMs:F0} ms and were dropped early."));

            var latency = UnixClock.NowMs - arrival;
            Record(name, "ok", latency);
            return GrpcInferResponse.Build(name, request, results, InferResponseWriter.SlotsPerItem(pipeline), latency);
        }
        finally
        {
            admission.Exit();
        }
    }

    /// <summary>
    /// The request's deadline: from parameters.slo_ms and x-gearbox-sent-at exactly as the JSON path
    /// (<see cref="RequestDeadline"/>), where the gRPC deadline stands in for a missing slo_ms and
    /// bounds the result; with neither, the pipeline's default SLO.
    /// </summary>
    internal static ProtocolResult<RequestDeadline> Deadline(ServerCallContext context, double? requestSloMs, PipelineDefinition pipeline, double arrival)
    {
        double? grpcDeadline = context.Deadline == DateTime.MaxValue ? null : (context.Deadline - DateTime.UnixEpoch).TotalMilliseconds;
        var slo = requestSloMs ?? (grpcDeadline is { } until ? Math.Min(until - arrival, ProtocolLimits.MaxSloMs) : null);
        var computed = RequestDeadline.Compute(context.RequestHeaders.GetValue(SentAtMetadata), slo, pipeline.DefaultSloMs, arrival);
        if (!computed.IsOk || grpcDeadline is not { } bound || computed.Value.DeadlineUnixMs <= bound) return computed;
        return computed.Value with { DeadlineUnixMs = bound };
    }

    private PipelineDefinition Find(string name) =>
        catalog.TryGet(name, out var pipeline) ? pipeline
            : throw GrpcErrors.ToRpcException(ProtocolErrors.ModelNotFound(name, catalog.All.Select(p => p.Name)));

    private static RpcException Fail(string pipeline, string outcome, double arrival, ProtocolError error)
    {
        Record(pipeline, outcome, UnixClock.NowMs - arrival);
        return GrpcErrors.ToRpcException(error);
    }

    private static void Record(string pipeline, string outcome, double latencyMs)
    {
        var tags = new TagList { { "pipeline", pipeline }, { "outcome", outcome } };
        GearboxMetrics.Requests.Add(1, tags);
        GearboxMetrics.RequestDuration.Record(latencyMs, tags);
    }
}
