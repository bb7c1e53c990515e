using Gearbox.Contracts.Monitoring;

namespace Gearbox.Planning.Control;

/// <summary>
/// CascadeServe's online gear switching, as a pure class driven once per window: switch up at once when
/// the demand leaves the current gear's band (or the queue keeps growing); switch down only after a hold
/// of <see cref="GearControlOptions.HoldSeconds"/> in which no window needed the current gear, the queues
/// stayed drained, and the mean demand sat below the lower gear's band by <see cref="GearControlOptions.DownMargin"/>.
/// (The mean, not every window, must clear the margin: at low rates a 100 ms window's count is noisy.)
/// Up fast, down slow: a steady load at a band edge switches at most once.
/// </summary>
public sealed class GearController(GearControlOptions options, TimeProvider clock)
{
    private DateTimeOffset? _belowSince;
    private double _holdDemand;
    private int _holdWindows;
    private int _lastCurrent = int.MinValue;

    /// <param name="table">The plan in force.</param>
    /// <param name="current">The gear in force, or -1 when none of this plan's gears is (a new plan, or none applied yet).</param>
    public GearDecision Decide(GearTable table, int current, LoadEstimate estimate)
    {
        if (current != _lastCurrent) ResetHold();
        _lastCurrent = current;
        var demand = estimate.Demand;
        var up = table.IndexFor(demand);
        if (current < 0 || current >= table.Count)
            return Switched(up, $"plan applied at {demand:0.#} req/s");
        if (up > current)
        {
            var why = estimate.Burst == BurstKind.Arrivals
                ? $"burst: {estimate.LastWindowRate:0.#} req/s in the last window (smoothed {estimate.Rate:0.#})"
                : $"load {demand:0.#} req/s above gear {current}'s band (≤ {table[current].MaxLoad:0.#})";
            return Switched(up, why);
        }
        if (estimate.Burst == BurstKind.Backlog && current < table.Count - 1)
            return Switched(current + 1, $"backlog: {estimate.Queue} items queued and growing");

        if (up >= current || estimate.Queue > options.DrainedQueueItems)
        {
            ResetHold();
            return GearDecision.Stay(current);
        }
        var now = clock.GetUtcNow();
        if (_belowSince is null) (_belowSince, _holdDemand, _holdWindows) = (now, 0, 0);
        _holdDemand += demand;
        _holdWindows++;
        if ((now - _belowSince.Value).TotalSeconds < options.HoldSeconds) return GearDecision.Stay(current);

        var mean = _holdDemand / _holdWindows;
        var target = table.IndexFor(mean / (1 - options.DownMargin));
        if (target >= current)
        {
            ResetHold(); // within the margin of the lower gear's edge: stay, and hold afresh
            return GearDecision.Stay(current);
        }
        return Switched(target, $"load {mean:0.#} req/s (mean over {options.HoldSeconds:0.#} s) below gear {target}'s band (≤ {table[target].MaxLoad:0.#}) by ≥ {options.DownMargin:P0}, queues drained");
    }

    private GearDecision Switched(int target, string reason)
    {
        ResetHold();
        _lastCurrent = target;
        return new GearDecision(true, target, reason);
    }

    private void ResetHold() => _belowSince = null;
}
