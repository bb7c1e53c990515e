using System.Diagnostics;
using System.Text;

namespace Gearbox.Tests.Cluster;

/// <summary>One request's outcome: when it was sent (s after the load began), its HTTP status (0: no answer), and the problem's text.</summary>
public sealed record Outcome(double SentAtS, int Status, string? Problem);

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
            requests[i] = SendAsync(http, clock.Elapsed.TotalSeconds);
        }
        return await Task.WhenAll(requests);
    }

    private async Task<Outcome> SendAsync(HttpClient http, double sentAtS)
    {
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync($"/v2/models/{model}/infer", content);
            var status = (int)response.StatusCode;
            return new Outcome(sentAtS, status, status == 200 ? null : await response.Content.ReadAsStringAsync());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Outcome(sentAtS, 0, e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>"200: 2980, 503: 12, no answer: 0" and a few problems per status, for messages and docs.</summary>
    public static string Summary(IReadOnlyCollection<Outcome> outcomes) =>
        string.Join(", ", outcomes.GroupBy(o => o.Status).OrderBy(g => g.Key)
            .Select(g => $"{(g.Key == 0 ? "no answer" : g.Key.ToString())}: {g.Count()}"))
        + string.Concat(outcomes.Where(o => o.Status != 200).GroupBy(o => o.Status)
            .Select(g => $"\n  e.g. {g.Key} at {g.First().SentAtS:F1} s: {Shorten(g.First().Problem)}"));

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 400 ? text : text[..400] + "…";
}
