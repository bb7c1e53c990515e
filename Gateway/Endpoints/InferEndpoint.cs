using Gearbox.Contracts.Serving;
using Gearbox.Gateway.Protocol;
using Gearbox.Serving;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Gearbox.Gateway.Endpoints;

/// <summary>POST /v2/models/{name}/infer: parse, admit, set the deadline, run it on the local router, answer.</summary>
public static class InferEndpoint
{
    public static void MapInferEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPost("/v2/models/{name}/infer", Infer);

    private static async Task<IResult> Infer(
        string name, HttpContext http, PipelineCatalog catalog, GrainReferences<IPipelineRouterGrain> pipelines, Admission admission, GatewayOptions options, ClusterCalls cluster)
    {
        var arrival = UnixClock.NowMs;
        if (!catalog.TryGet(name, out var pipeline))
            return Answer(http, name, "not_found", arrival, ProtocolErrors.ModelNotFound(name, catalog.All.Select(p => p.Name)));
        if (!admission.TryEnter())
            return Answer(http, name, "overloaded", arrival, ProtocolErrors.Overloaded(
                $"{admission.InFlight} requests are in flight, the gateway's limit is {options.MaxInFlight}; retry shortly.", options.RetryAfterSeconds));
        try
        {
            var parsed = await ReadBody(http, pipeline);
            if (!parsed.IsOk) return Answer(http, name, "bad_request", arrival, parsed.Error);
            var request = parsed.Value;
            var deadline = RequestDeadline.Compute(http.Request.Headers[RequestDeadline.SentAtHeader], request.SloMs, pipeline.DefaultSloMs, arrival);
            if (!deadline.IsOk) return Answer(http, name, "bad_request", arrival, deadline.Error);
            if (deadline.Value.BudgetAtArrivalMs <= 0)
                return Answer(http, name, "dropped", arrival, ProtocolErrors.DeadlineExceeded(
                    $"The request was sent {deadline.Value.SpentBeforeArrivalMs:F0} ms before it arrived; its SLO of {deadline.Value.SloMs} ms had already passed."));

            PipelineItem[] results;
            try
            {
                var called = await cluster.RunAsync(attempt => pipelines.Get(name).Infer(request.Images, deadline.Value.DeadlineUnixMs, attempt),
                    deadline.Value.DeadlineUnixMs, http.RequestAborted);
                if (!called.IsOk)
                    return Answer(http, name, called.Error.Status == 504 ? "dropped" : "unavailable", arrival, called.Error);
                results = called.Value;
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                // The client went away: its items were not run (or no longer are); there is no one to answer.
                Record(name, "cancelled", UnixClock.NowMs - arrival);
                return Results.Empty;
            }
            var dropped = results.Count(r => r.Status != ItemStatus.Ok);
            if (dropped > 0)
                return Answer(http, name, "dropped", arrival, ProtocolErrors.DeadlineExceeded(
                    $"{dropped} of {results.Length} items could not be answered within the SLO of {deadline.Value.SloMs} ms and were dropped early."));

            var latency = UnixClock.NowMs - arrival;
            Record(name, "ok", latency);
            if (request.BinaryOutputs.Count > 0)
                return BinaryTensors.Result(http, name, request.Id, results, InferResponseWriter.SlotsPerItem(pipeline), latency, request.BinaryOutputs);
            var body = InferResponseWriter.ToUtf8(name, request.Id, results, InferResponseWriter.SlotsPerItem(pipeline), latency);
            return Results.Bytes(body, InferResponseWriter.ContentType);
        }
        finally
        {
            admission.Exit();
        }
    }

    private static async Task<ProtocolResult<InferRequest>> ReadBody(HttpContext http, PipelineDefinition pipeline)
    {
        try
        {
            if (http.Request.Headers.TryGetValue(BinaryTensors.HeaderLengthHeader, out var headerLength))
                return await BinaryTensors.ReadAsync(http.Request.Body, http.Request.ContentLength, headerLength, pipeline, http.RequestAborted);
            return await InferRequestReader.ReadAsync(http.Request.Body, http.Request.ContentLength, pipeline, http.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own body limit (a backstop above ours) tripped first.
            return ProtocolErrors.BodyTooLarge(http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? ProtocolLimits.MaxBodyBytes);
        }
    }

    private static IResult Answer(HttpContext http, string pipeline, string outcome, double arrival, ProtocolError error)
    {
        Record(pipeline, outcome, UnixClock.NowMs - arrival);
        if (error.RetryAfterSeconds is { } seconds) http.Response.Headers.RetryAfter = seconds.ToString();
        return Results.Problem(error.ToProblemDetails());
    }

    private static void Record(string pipeline, string outcome, double latencyMs)
    {
        var tags = new TagList { { "pipeline", pipeline }, { "outcome", outcome } };
        GearboxMetrics.Requests.Add(1, tags);
        GearboxMetrics.RequestDuration.Record(latencyMs, tags);
    }
}
