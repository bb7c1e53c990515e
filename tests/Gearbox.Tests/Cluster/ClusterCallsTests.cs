using Gearbox.Gateway;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;

namespace Gearbox.Tests.Cluster;

/// <summary>Pure logic of the gateway's retry within a deadline, on a fake clock with scripted failures (no cluster).</summary>
public sealed class ClusterCallsTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(20_000));
    private readonly ClusterCalls _calls;

    public ClusterCallsTests() => _calls = new ClusterCalls(_time, retryAfterSeconds: 2);

    /// <summary>
    /// Moves the fake clock in 50 ms steps until the call ends (at most a simulated minute). Each step waits a
    /// real millisecond or two: the call's continuations run on the thread pool, and a loop that only yielded
    /// could advance the whole minute before the call registered its next timer.
    /// </summary>
    private async Task Drive(Task run)
    {
        for (var step = 0; step < 1200 && !run.IsCompleted; step++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(2);
        }
        Assert.True(run.IsCompleted, "the call did not end within a simulated minute");
    }

    private double Deadline(double inMs) => _time.GetUtcNow().ToUnixTimeMilliseconds() + inMs;

    [Fact]
    public async Task A_call_rejected_because_its_silo_died_is_tried_again_and_answers()
    {
        var attempts = 0;
        var run = _calls.RunAsync(_ => ++attempts < 3
            ? Task.FromException<string>(new SiloUnavailableException("silo S1 is dead"))
            : Task.FromResult("ok"), Deadline(5_000));
        await Drive(run);
        var result = await run;
        Assert.True(result.IsOk);
        Assert.Equal("ok", result.Value);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task When_no_silo_answers_before_the_deadline_the_answer_is_503_with_retry_after_and_the_reason()
    {
        var attempts = 0;
        var run = _calls.RunAsync<string>(_ => { attempts++; return Task.FromException<string>(new SiloUnavailableException("no gateway")); }, Deadline(1_000));
        await Drive(run);
        var result = await run;
        Assert.False(result.IsOk);
        Assert.Equal(503, result.Error.Status);
        Assert.Equal("cluster-unavailable", result.Error.Code);
        Assert.Equal(2, result.Error.RetryAfterSeconds);
        Assert.Contains("no gateway", result.Error.Detail);
        Assert.True(attempts > 1, "the failure was not retried within the deadline");
    }

    [Fact]
    public async Task A_call_to_a_silo_that_went_silent_is_abandoned_at_half_the_budget_and_retried()
    {
        var attempts = 0;
        var run = _calls.RunAsync(_ => ++attempts == 1 ? new TaskCompletionSource<string>().Task : Task.FromResult("second"), Deadline(10_000));
        _time.Advance(TimeSpan.FromMilliseconds(4_900));
        await Task.Yield();
        Assert.False(run.IsCompleted);
        await Drive(run);
        Assert.Equal("second", (await run).Value);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task A_silent_cluster_with_a_short_deadline_is_answered_504_not_left_hanging()
    {
        var run = _calls.RunAsync(_ => new TaskCompletionSource<string>().Task, Deadline(50));
        await Drive(run);
        var result = await run;
        Assert.Equal(504, result.Error!.Status);
    }

    [Fact]
    public async Task Other_runtime_failures_are_503_at_once_without_a_retry()
    {
        var attempts = 0;
        var result = await _calls.RunAsync<string>(_ => { attempts++; throw new OrleansException("activation failed"); }, Deadline(5_000));
        Assert.Equal(503, result.Error!.Status);
        Assert.Contains("activation failed", result.Error.Detail);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Failures_of_the_request_itself_are_not_retried()
    {
        var attempts = 0;
        await Assert.ThrowsAsync<ArgumentException>(() => _calls.RunAsync<string>(_ => { attempts++; throw new ArgumentException("bad input"); }, Deadline(5_000)));
        Assert.Equal(1, attempts);
    }
}
