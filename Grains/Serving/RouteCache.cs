using Gearbox.Contracts.Serving;

namespace Gearbox.Serving;

/// <summary>
/// A router's copy of its pipeline's route. It asks the pipeline for the route's version at most once
/// every <c>checkEveryMs</c> (a gear switch is picked up by the first request after that long) and takes a route only
/// when it is newer than the one it holds, so answers arriving out of order cannot roll it back.
/// A clock is passed in, so the rule is testable without timers.
/// </summary>
public sealed class RouteCache(double checkEveryMs)
{
    private double _checkedAtMs = double.NegativeInfinity;

    public PipelineRoute? Current { get; private set; }

    /// <summary>Whether the version should be checked now (it never has been, or the last check is older than the period).</summary>
    public bool NeedsCheck(double nowMs) => Current is null || nowMs - _checkedAtMs >= checkEveryMs;

    /// <summary>Notes that a check starts now; until the period has passed no other check is needed.</summary>
    public void Checking(double nowMs) => _checkedAtMs = nowMs;

    /// <summary>Whether a pipeline reporting <paramref name="version"/> has a route newer than this copy.</summary>
    public bool IsStale(long version) => Current is null || version > Current.Version;

    /// <summary>Takes <paramref name="route"/> when it is newer than the current one; returns the route now held.</summary>
    public PipelineRoute Offer(PipelineRoute route)
    {
        if (Current is null || route.Version > Current.Version) Current = route;
        return Current;
    }
}
