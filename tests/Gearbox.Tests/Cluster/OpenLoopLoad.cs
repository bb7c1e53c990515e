using System.Diagnostics;
using System.Text;

namespace Gearbox.Tests.Cluster;

/// <summary>One request's outcome: when it was sent (s after the load began), its HTTP status (0: no answer), the problem's text, how long the answer took.</summary>
public sealed record Outcome(double SentAtS, int Status, string? Problem, double LatencyMs);

/// <summary>
/// Open-loop load: requests leave at a fixed rate whether or not earlier ones were answered (a slow
/// server cannot slow the client down, as with real users), each with its own timeout; counts are taken
/// once every request has an answer or timed out.
/// </summary>
public sealed class OpenLoopLoad(Uri gateway, string model, string body, TimeSpan answerTimeout)
{
    public async Task<Outcome[]> RunAsync(double ratePerSecond, TimeSpan duration, CancellationToken cancel = default)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = gateway,
            Timeout = answerTimeout,
        };
        var total = (int)Math.Round(ratePerSecond * duration.TotalSeconds);
        var requests = new Task<Outcome>[total];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / ratePerSecond);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, cancel);
            requests[i] = SendAsync(http, clock);
        }
        return await Task.WhenAll(requests);
    }

    private async Task<Outcome> SendAsync(HttpClient http, Stopwatch clock)
    {
        var sentAtS = clock.Elapsed.TotalSeconds;
        double Latency() => (clock.Elapsed.TotalSeconds - sentAtS) * 1000;
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync($"/v2/models/{model}/infer", content);
            var status = (int)response.StatusCode;
            return new Outcome(sentAtS, status, status == 200 ? null : await response.Content.ReadAsStringAsync(), Latency());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Outcome(sentAtS, 0, e.GetType().Name + ": " + e.Message, Latency());
        }
    }

    /// <summary>"200: 2980, 503: 12; answer time p50/p99/max …" and a problem per status, for messages and docs (latencies are reported, never asserted).</summary>
    public static string Summary(IReadOnlyCollection<Outcome> outcomes) =>
        string.Join(", ", outcomes.GroupBy(o => o.Status).OrderBy(g => g.Key)
            .Select(g => $"{(g.Key == 0 ? "no answer" : g.Key.ToString())}: {g.Count()}"))
        + $"; answer time p50 {Percentile(outcomes, 0.50):F0} ms, p99 {Percentile(outcomes, 0.99):F0} ms, max {outcomes.Max(o => o.LatencyMs):F0} ms"
        + string.Concat(outcomes.Where(o => o.Status != 200).GroupBy(o => o.Status)
            .Select(g => $"\n  e.g. {g.Key} at {g.First().SentAtS:F1} s: {Shorten(g.First().Problem)}"));

    private static double Percentile(IReadOnlyCollection<Outcome> outcomes, double q)
    {
        var sorted = outcomes.Select(o => o.LatencyMs).Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 400 ? text : text[..400] + "…";
}
