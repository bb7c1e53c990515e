using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Gearbox.Bench;

/// <summary>The gateway's answer to a control call: the body on 2xx, otherwise why not, in words a reader can act on.</summary>
public sealed record ControlAnswer(int Status, byte[] Body, string? Problem, bool EndpointMissing)
{
    public bool Ok => Status is >= 200 and < 300;

    /// <summary>Classifies a response: 405, or a 404 without a problem "detail" (the framework's own, for a route that does not exist), means the endpoint is missing.</summary>
    public static ControlAnswer From(int status, byte[] body)
    {
        if (status is >= 200 and < 300) return new ControlAnswer(status, body, null, false);
        var detail = ProblemText(body, out var hasDetail);
        var missing = status == 405 || (status == 404 && !hasDetail);
        return new ControlAnswer(status, body, $"HTTP {status}{(detail is null ? "" : ": " + detail)}", missing);
    }

    private static string? ProblemText(byte[] body, out bool hasDetail)
    {
        hasDetail = false;
        if (body.Length == 0) return null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (ServedPlan.Text(document.RootElement, "detail") is { } detail)
            {
                hasDetail = true;
                return detail;
            }
            return ServedPlan.Text(document.RootElement, "title");
        }
        catch (JsonException)
        {
            var text = Encoding.UTF8.GetString(body).Trim();
            return text.Length > 200 ? text[..200] + "…" : text;
        }
    }
}

/// <summary>Raised when the gateway refuses or lacks a gear-plan call the bench cannot go on without.</summary>
public sealed class GearControlException(string message) : Exception(message);

/// <summary>
/// The bench's client of the gateway's gear-plan API: read the plan, pin a gear, resume automatic
/// switching, read the gear in force and the history of switches.
/// </summary>
public sealed class GearControl(Uri target, string pipeline) : IDisposable
{
    public const string NoAutoSwitching = "this gateway has no automatic gear switching; update it";
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly string _base = $"/v1/pipelines/{Uri.EscapeDataString(pipeline)}";

    public async Task<ServedPlan> GetPlanAsync()
    {
        var answer = await CallAsync(HttpMethod.Get, "/plan", null);
        if (!answer.Ok)
            throw new GearControlException(answer.EndpointMissing
                ? $"The gateway at {target} has no GET {_base}/plan ({answer.Problem}); update it."
                : $"No gear plan to validate for '{pipeline}': {answer.Problem?.TrimEnd('.')}. " +
                  $"Make one with: curl -XPOST {new Uri(target, _base + "/plan")} -H 'content-type: application/json' -d '{{\"sloMs\":100,\"minAccuracy\":0.9,\"devices\":2}}'");
        try
        {
            return ServedPlan.Parse(answer.Body);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new GearControlException($"The plan the gateway served for '{pipeline}' is unreadable: {e.Message}");
        }
    }

    /// <summary>POST /gear {"index": n}; throws with the gateway's reason when it refuses.</summary>
    public async Task PinAsync(int index)
    {
        var answer = await CallAsync(HttpMethod.Post, "/gear", $$"""{"index":{{index}}}""");
        if (!answer.Ok)
            throw new GearControlException(answer.EndpointMissing
                ? $"The gateway at {target} has no POST {_base}/gear ({answer.Problem}); update it."
                : $"The gateway would not pin gear {index} of '{pipeline}': {answer.Problem?.TrimEnd('.')}.");
    }

    /// <summary>POST /gear {"auto": true}; null when automatic switching resumed, else a warning (older gateways answer 400).</summary>
    public async Task<string?> ResumeAutoAsync()
    {
        try
        {
            var answer = await CallAsync(HttpMethod.Post, "/gear", """{"auto":true}""");
            if (answer.Ok) return null;
            return answer.EndpointMissing || answer.Status == 400
                ? $"could not resume automatic gear switching ({answer.Problem}): {NoAutoSwitching}. The last gear pinned stays in force."
                : $"could not resume automatic gear switching: {answer.Problem?.TrimEnd('.')}. The last gear pinned stays in force.";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return $"could not resume automatic gear switching ({e.Message}); the last gear pinned stays in force.";
        }
    }

    /// <summary>GET /gear: the state, or a message saying why there is none.</summary>
    public async Task<(GearState? State, string? Problem)> GetStateAsync()
    {
        try
        {
            var answer = await CallAsync(HttpMethod.Get, "/gear", null);
            if (!answer.Ok) return (null, answer.EndpointMissing ? $"{NoAutoSwitching} (GET {_base}/gear: {answer.Problem})" : answer.Problem);
            return (GearState.Parse(answer.Body), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return (null, e.Message);
        }
    }

    /// <summary>GET /gear/history: the switches, or a message saying why there are none to show.</summary>
    public async Task<(GearSwitch[]? Switches, string? Problem)> GetHistoryAsync()
    {
        try
        {
            var answer = await CallAsync(HttpMethod.Get, "/gear/history", null);
            if (!answer.Ok) return (null, answer.EndpointMissing ? $"{NoAutoSwitching} (GET {_base}/gear/history: {answer.Problem})" : answer.Problem);
            return (GearSwitch.ParseHistory(answer.Body), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return (null, e.Message);
        }
    }

    private async Task<ControlAnswer> CallAsync(HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(target, _base + path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = Json;
        }
        using var response = await _client.SendAsync(request);
        return ControlAnswer.From((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }

    public void Dispose() => _client.Dispose();
}
