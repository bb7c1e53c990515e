using Gearbox.Gateway.Protocol;

namespace Gearbox.Tests.Protocol;

public class RequestDeadlineTests
{
    private const double Arrival = 1_763_860_000_000;

    [Fact]
    public void Without_the_header_the_budget_starts_at_arrival()
    {
        var deadline = RequestDeadline.Compute(null, 50, 100, Arrival).Value!;

        Assert.Equal(Arrival + 50, deadline.DeadlineUnixMs);
        Assert.Equal(0, deadline.SpentBeforeArrivalMs);
        Assert.Null(deadline.SentAtUnixMs);
    }

    [Fact]
    public void Without_a_request_slo_the_pipeline_default_applies()
    {
        var deadline = RequestDeadline.Compute("", null, 100, Arrival).Value!;

        Assert.Equal(100, deadline.SloMs);
        Assert.Equal(Arrival + 100, deadline.DeadlineUnixMs);
    }

    [Fact]
    public void Time_spent_before_arrival_is_taken_off_the_budget()
    {
        var deadline = RequestDeadline.Compute((Arrival - 12).ToString("F0"), 50, 100, Arrival).Value!;

        Assert.Equal(Arrival + 38, deadline.DeadlineUnixMs);
        Assert.Equal(12, deadline.SpentBeforeArrivalMs);
        Assert.Equal(38, deadline.BudgetAtArrivalMs);
        Assert.Equal(8, deadline.RemainingMs(Arrival + 30));
    }

    [Fact]
    public void Fractional_milliseconds_are_accepted()
    {
        var deadline = RequestDeadline.Compute(" 1763859999990.5 ", 50, 100, Arrival).Value!;
        Assert.Equal(Arrival - 9.5 + 50, deadline.DeadlineUnixMs);
    }

    [Fact]
    public void A_request_older_than_its_slo_is_hopeless_on_arrival_not_invalid()
    {
        var deadline = RequestDeadline.Compute((Arrival - 80).ToString("F0"), 50, 100, Arrival).Value!;

        Assert.True(deadline.BudgetAtArrivalMs <= 0);
        Assert.Equal(Arrival - 30, deadline.DeadlineUnixMs);
    }

    [Fact]
    public void Send_time_slightly_in_the_future_counts_as_arrival()
    {
        var deadline = RequestDeadline.Compute((Arrival + 300).ToString("F0"), 50, 100, Arrival).Value!;

        Assert.Equal(Arrival + 50, deadline.DeadlineUnixMs);
        Assert.Equal(0, deadline.SpentBeforeArrivalMs);
        Assert.Equal(Arrival + 300, deadline.SentAtUnixMs);
    }

    [Fact]
    public void Send_time_beyond_the_skew_allowance_is_400()
    {
        var sentAt = Arrival + ProtocolLimits.ClockSkewAllowanceMs + 1;
        var error = RequestDeadline.Compute(sentAt.ToString("F0"), 50, 100, Arrival).Error!;

        Assert.Equal(400, error.Status);
        Assert.Equal("invalid-sent-at", error.Code);
        Assert.Contains("future", error.Detail);
    }

    [Fact]
    public void Send_time_in_seconds_is_400_with_a_hint()
    {
        var error = RequestDeadline.Compute((Arrival / 1000).ToString("F0"), 50, 100, Arrival).Error!;

        Assert.Equal("invalid-sent-at", error.Code);
        Assert.Contains("not seconds", error.Detail);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("-5")]
    [InlineData("1.7e12")]
    [InlineData("1763860000000,1763860000001")]
    [InlineData("0x1A")]
    public void Unparsable_header_is_400(string header)
    {
        var error = RequestDeadline.Compute(header, 50, 100, Arrival).Error!;
        Assert.Equal("invalid-sent-at", error.Code);
    }

    [Fact]
    public void Clock_overload_reads_arrival_from_the_clock()
    {
        var clock = new FixedClock(DateTimeOffset.UnixEpoch.AddMilliseconds(Arrival));

        var deadline = RequestDeadline.Compute((Arrival - 5).ToString("F0"), 20, 100, clock).Value!;

        Assert.Equal(Arrival + 15, deadline.DeadlineUnixMs);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
