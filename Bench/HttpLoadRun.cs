using System.Diagnostics;

namespace Gearbox.Bench;

/// <summary>The outcome of an open-loop HTTP run: every request's outcome and the run's wall time.</summary>
public sealed record HttpRunResult(RequestOutcome[] Outcomes, double ScheduledSeconds, double WallSeconds);

/// <summary>
/// Sends open-loop traffic to a pipeline: request k goes out at start + offset k whether or not earlier
/// ones have been answered (so a slow server meets the full offered load), with its send time in the
/// sent-at header. The <see cref="IRequestSender"/> speaks the protocol (JSON by default, binary or gRPC).
/// </summary>
public sealed class HttpLoadRun : IDisposable
{
    public const string SentAtHeader = RequestSenders.SentAtHeader;
    private readonly IRequestSender _sender;
    private readonly BenchImages _images;

    public HttpLoadRun(Uri target, string pipeline, BenchImages images, TimeSpan timeout)
        : this(RequestSenders.Create(BenchProtocol.Json, target, target, pipeline, images, double.NaN, timeout), images)
    {
    }

    /// <param name="sender">Sends each request (JSON, binary or gRPC); disposed with this run.</param>
    public HttpLoadRun(IRequestSender sender, BenchImages images)
    {
        _sender = sender;
        _images = images;
    }

    /// <summary>Sends <paramref name="count"/> requests one after another, to open connections and warm the server; not measured.</summary>
    public async Task<RequestOutcome[]> WarmUpAsync(int count)
    {
        var outcomes = new RequestOutcome[count];
        var start = Stopwatch.GetTimestamp();
        var unixStart = NowUnixMs();
        for (var k = 0; k < count; k++) outcomes[k] = await SendAsync(k % _images.Count, Stopwatch.GetElapsedTime(start).TotalMilliseconds, start, unixStart);
        return outcomes;
    }

    /// <summary>
    /// Sends request k at start + offset k. Cancelling stops the sending (requests already out are
    /// still awaited): the result then holds only the requests sent, in schedule order.
    /// </summary>
    public async Task<HttpRunResult> RunAsync(double[] offsetsMs, CancellationToken cancel = default)
    {
        var tasks = new List<Task<RequestOutcome>>(offsetsMs.Length);
        var start = Stopwatch.GetTimestamp();
        var unixStart = NowUnixMs();
        try
        {
            for (var k = 0; k < offsetsMs.Length; k++)
            {
                // Wait for this request's own time, measured from the start: lateness never accumulates.
                var waitMs = offsetsMs[k] - Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (waitMs >= 1) await Task.Delay(TimeSpan.FromMilliseconds(waitMs), cancel);
                cancel.ThrowIfCancellationRequested();
                tasks.Add(SendAsync(k % _images.Count, offsetsMs[k], start, unixStart));
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Stop sending; what is out is awaited below.
        }
        var scheduledSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var outcomes = await Task.WhenAll(tasks);
        return new HttpRunResult(outcomes, scheduledSeconds, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    private async Task<RequestOutcome> SendAsync(int image, double scheduledMs, long start, double unixStart)
    {
        var sent = Stopwatch.GetTimestamp();
        var sentMs = Stopwatch.GetElapsedTime(start, sent).TotalMilliseconds;
        var lag = Math.Max(0, sentMs - scheduledMs);
        var result = await _sender.SendAsync(image, unixStart + sentMs);
        return new RequestOutcome(image, result.Status, Stopwatch.GetElapsedTime(sent).TotalMilliseconds, lag, result.Labels, result.Error);
    }

    private static double NowUnixMs() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).TotalMilliseconds;

    public void Dispose() => _sender.Dispose();
}
