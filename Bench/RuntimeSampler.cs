namespace Gearbox.Bench;

/// <summary>
/// Reads the server's runtime figures from its /metrics around and during a sweep step. One small
/// HttpClient, one request at a time; a server without /metrics or without the "System.Runtime" meter
/// yields no readings (the report then says n/a), never a failed bench.
/// </summary>
public sealed class RuntimeSampler(Uri gateway, TimeSpan pollInterval) : IDisposable
{
    /// <summary>
    /// The poll period by default. The gateway serves /metrics uncached, so each poll is a fresh reading; each
    /// scrape allocates on the server too (tens of KB): at low rates that, and the idle process's own
    /// background work, weigh in the per-request figures.
    /// </summary>
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(1000); // a scrape costs the server ~25 ms CPU (docs/bench.md): every 250 ms would take a tenth of 2 cores

    private readonly HttpClient _http = new() { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(5) };

    public async Task<RuntimeReading?> ReadAsync(CancellationToken cancel = default)
    {
        try
        {
            var reading = RuntimeReading.From(PrometheusText.Parse(await _http.GetStringAsync("/metrics", cancel)));
            return reading.HasRuntimeMeter || reading.ThreadPoolQueueLength is not null ? reading : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Runs <paramref name="step"/>, reading before, every poll interval during it (when the interval is positive) and after.</summary>
    public async Task<(T Result, RuntimeFigures Runtime)> MeasureAsync<T>(Func<Task<T>> step, Func<T, int> requests)
    {
        var before = await ReadAsync();
        var during = new List<RuntimeReading>();
        using var stop = new CancellationTokenSource();
        var poller = before is null || pollInterval <= TimeSpan.Zero ? Task.CompletedTask : PollAsync(during, stop.Token);
        T result;
        try
        {
            result = await step();
        }
        finally
        {
            await stop.CancelAsync();
            await poller;
        }
        var after = before is null ? null : await ReadAsync();
        return (result, RuntimeFigures.Between(before, after, during, requests(result)));
    }

    private async Task PollAsync(List<RuntimeReading> into, CancellationToken cancel)
    {
        using var timer = new PeriodicTimer(pollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancel))
                if (await ReadAsync(cancel) is { } reading) into.Add(reading);
        }
        catch (OperationCanceledException)
        {
            // The step ended.
        }
    }

    public void Dispose() => _http.Dispose();
}
