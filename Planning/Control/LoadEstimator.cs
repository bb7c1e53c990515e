using Gearbox.Contracts.Monitoring;

namespace Gearbox.Planning.Control;

/// <summary>
/// Turns closed monitoring windows into a load estimate: an EWMA of the entrance rate (time constant
/// <see cref="GearControlOptions.SmoothingSeconds"/>) plus a burst signal, so a step up is seen within
/// two windows instead of after the average catches up. A burst needs two windows in a row well above
/// the estimate: one alone is as often a client or the network catching up after a stall. The demand is
/// what the controller provisions for.
/// </summary>
public sealed class LoadEstimator(GearControlOptions options)
{
    private double _rate;
    private bool _primed;
    private int _lastQueue;
    private int _growingWindows;
    private double? _aboveRate; // the previous window's rate, when it was above the burst threshold

    public LoadEstimate Current { get; private set; } = LoadEstimate.Idle(DateTimeOffset.UnixEpoch);

    /// <summary>
    /// Takes one closed window: the entrance rate it measured (none when no report landed in it), the items
    /// queued over all workers at its end, and the requests in flight. The smoothing weight follows the
    /// sample's span, so the time constant holds however long the reporters' intervals were.
    /// </summary>
    public LoadEstimate Observe(DateTimeOffset at, RateSample? sample, int queue, int inFlight)
    {
        _growingWindows = queue > _lastQueue ? _growingWindows + 1 : 0;
        _lastQueue = queue;
        var backlog = queue >= options.BacklogItems && _growingWindows >= options.BacklogWindows;
        if (sample is not { } s)
        {
            Current = Current with { At = at, Queue = queue, InFlight = inFlight, Burst = backlog ? BurstKind.Backlog : BurstKind.None, Demand = _rate };
            return Current;
        }

        var seconds = s.SpanMs / 1000;
        var windowRate = s.Rate;
        var arrivals = windowRate * seconds;
        // A burst is judged against the estimate before this window joins it.
        var expected = _rate * seconds;
        var above = _primed && arrivals > expected * options.BurstFactor
            && arrivals > expected + options.BurstSigmas * Math.Sqrt(Math.Max(expected, 1));
        var arrivalBurst = above && _aboveRate is not null;
        var burstRate = arrivalBurst ? Math.Min(windowRate, _aboveRate!.Value) : 0;
        _aboveRate = above ? windowRate : null;
        var alpha = 1 - Math.Exp(-s.SpanMs / (options.SmoothingSeconds * 1000));
        _rate = _primed ? _rate + alpha * (windowRate - _rate) : windowRate;
        _primed = true;
        var burst = arrivalBurst ? BurstKind.Arrivals : backlog ? BurstKind.Backlog : BurstKind.None;
        var demand = arrivalBurst ? Math.Max(_rate, burstRate) : _rate;
        Current = new LoadEstimate(at, _rate, windowRate, burst, demand, queue, inFlight);
        return Current;
    }
}
