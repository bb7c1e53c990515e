namespace Gearbox.Planning.Simulation;

public enum RequestStatus { Completed, Dropped }

/// <summary>One request's fate in a simulation: answered (all items) or dropped (some item missed its deadline), and when.</summary>
public readonly record struct RequestOutcome(RequestStatus Status, double ArrivedMs, double FinishedMs, double DeadlineMs)
{
    public double LatencyMs => FinishedMs - ArrivedMs;
    public bool MetDeadline => Status == RequestStatus.Completed && FinishedMs <= DeadlineMs;
}

/// <summary>Summary of a simulation run.</summary>
public sealed record SimulationResult(
    RequestOutcome[] Requests,
    double P50Ms,
    double P99Ms,
    double Attainment,
    double Accuracy,
    int Dropped,
    long Batches,
    double MeanBatch,
    int AnsweredItems)
{
    public int Completed => Requests.Length - Dropped;

    public static SimulationResult From(RequestOutcome[] requests, int answeredItems, int correctItems, long batches, long batchedItems)
    {
        var latencies = requests.Where(r => r.Status == RequestStatus.Completed).Select(r => r.LatencyMs).Order().ToArray();
        double Percentile(double q) => latencies.Length == 0 ? double.PositiveInfinity : latencies[Math.Max(0, (int)Math.Ceiling(q * latencies.Length) - 1)];
        var met = requests.Count(r => r.MetDeadline);
        return new SimulationResult(requests, Percentile(0.5), Percentile(0.99),
            requests.Length == 0 ? 1 : met / (double)requests.Length,
            answeredItems == 0 ? 0 : correctItems / (double)answeredItems,
            requests.Count(r => r.Status == RequestStatus.Dropped),
            batches, batches == 0 ? 0 : batchedItems / (double)batches, answeredItems);
    }
}
