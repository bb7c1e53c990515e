using Gearbox.Contracts.Serving;
using Gearbox.Gateway.Grpc;
using Grpc.Core;

namespace Gearbox.Tests.Grpc;

/// <summary>How a call's gRPC deadline, parameters.slo_ms and x-gearbox-sent-at make the request's deadline.</summary>
public class GrpcDeadlineTests
{
    private static readonly PipelineDefinition Pipeline = new("p", 28, 50, [new StageDefinition("s", StageKind.Cascade, ["mlp"])]);
    private const double Arrival = 1_800_000_000_000;

    private static DateTime At(double unixMs) => DateTime.UnixEpoch.AddMilliseconds(unixMs);

    [Fact]
    public void Without_a_grpc_deadline_or_slo_the_pipelines_default_slo_applies()
    {
        var deadline = InferenceService.Deadline(new TestCallContext(DateTime.MaxValue), null, Pipeline, Arrival).Value!;
        Assert.Equal(50, deadline.SloMs);
        Assert.Equal(Arrival + 50, deadline.DeadlineUnixMs);
    }

    [Fact]
    public void The_grpc_deadline_is_the_slo_when_the_request_names_none()
    {
        var deadline = InferenceService.Deadline(new TestCallContext(At(Arrival + 200)), null, Pipeline, Arrival).Value!;
        Assert.Equal(200, deadline.SloMs, 3);
        Assert.Equal(Arrival + 200, deadline.DeadlineUnixMs, 3);
    }

    [Theory]
    [InlineData(80, 80)]    // a tighter slo_ms wins
    [InlineData(500, 200)]  // a looser one is bounded by the call's deadline
    public void Slo_ms_may_tighten_the_grpc_deadline_but_never_extend_it(double sloMs, double expectedBudget)
    {
        var deadline = InferenceService.Deadline(new TestCallContext(At(Arrival + 200)), sloMs, Pipeline, Arrival).Value!;
        Assert.Equal(Arrival + expectedBudget, deadline.DeadlineUnixMs, 3);
    }

    [Fact]
    public void Sent_at_metadata_takes_the_time_already_spent_off_the_budget()
    {
        var context = new TestCallContext(DateTime.MaxValue, new Metadata { { InferenceService.SentAtMetadata, (Arrival - 30).ToString("R") } });
        var deadline = InferenceService.Deadline(context, 100, Pipeline, Arrival).Value!;
        Assert.Equal(Arrival + 70, deadline.DeadlineUnixMs, 3);
        Assert.Equal(30, deadline.SpentBeforeArrivalMs, 3);
    }

    [Fact]
    public void A_grpc_deadline_already_past_leaves_no_budget()
    {
        var deadline = InferenceService.Deadline(new TestCallContext(At(Arrival - 5)), null, Pipeline, Arrival).Value!;
        Assert.True(deadline.DeadlineUnixMs <= Arrival);
    }

    private sealed class TestCallContext(DateTime deadline, Metadata? headers = null) : ServerCallContext
    {
        protected override string MethodCore => "/inference.GRPCInferenceService/ModelInfer";
        protected override string HostCore => "localhost";
        protected override string PeerCore => "ipv4:127.0.0.1:1";
        protected override DateTime DeadlineCore => deadline;
        protected override Metadata RequestHeadersCore => headers ?? [];
        protected override CancellationToken CancellationTokenCore => CancellationToken.None;
        protected override Metadata ResponseTrailersCore { get; } = [];
        protected override Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore => new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
