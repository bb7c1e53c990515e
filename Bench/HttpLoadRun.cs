using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace Gearbox.Bench;

/// <summary>The outcome of an open-loop HTTP run: every request's outcome and the run's wall time.</summary>
public sealed record HttpRunResult(RequestOutcome[] Outcomes, double ScheduledSeconds, double WallSeconds);

/// <summary>
/// Sends open-loop traffic to POST /v2/models/{pipeline}/infer: request k goes out at start + offset k
/// whether or not earlier ones have been answered (so a slow server meets the full offered load), with
/// X-Gearbox-Sent-At set to its send time. One HttpClient on one SocketsHttpHandler; bodies are
/// pre-serialised and shared.
/// </summary>
public sealed class HttpLoadRun : IDisposable
{
    public const string SentAtHeader = "X-Gearbox-Sent-At";
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _client;
    private readonly Uri _inferUri;
    private readonly BenchImages _images;

    public HttpLoadRun(Uri target, string pipeline, BenchImages images, TimeSpan timeout)
    {
        _images = images;
        _inferUri = new Uri(target, $"/v2/models/{Uri.EscapeDataString(pipeline)}/infer");
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
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _inferUri) { Content = new ByteArrayContent(_images.Bodies[image]) };
            request.Content.Headers.ContentType = Json;
            // Whole milliseconds, rounded down: the server never credits the client with time it did not have.
            request.Headers.TryAddWithoutValidation(SentAtHeader, Math.Floor(unixStart + sentMs).ToString("F0", CultureInfo.InvariantCulture));
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            var body = await response.Content.ReadAsByteArrayAsync();
            var latency = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            var status = (int)response.StatusCode;
            var labels = status == 200 ? ResponseLabels.Read(body) : null;
            var error = status == 200 && labels is null ? "200 without a readable label output" : null;
            return new RequestOutcome(image, status, latency, lag, labels, error);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            var why = e is TaskCanceledException ? "timeout" : e.GetBaseException().Message;
            return new RequestOutcome(image, 0, Stopwatch.GetElapsedTime(sent).TotalMilliseconds, lag, null, why);
        }
    }

    private static double NowUnixMs() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).TotalMilliseconds;

    public void Dispose() => _client.Dispose();
}
