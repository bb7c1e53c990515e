using Gearbox.Contracts.Monitoring;
using Gearbox.Planning.Control;
using Microsoft.Extensions.Time.Testing;
using static Gearbox.Tests.Control.ControlFixtures;

namespace Gearbox.Tests.Control;

/// <summary>The switching controller on a fake clock: up at once, down after margin and hold, no flapping.</summary>
public class GearControllerTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly GearController _controller;
    private readonly Gearbox.Planning.GearTable _table = Table();

    public GearControllerTests() => _controller = new GearController(Options, _clock);

    /// <summary>Feeds one estimate per 100 ms window; returns the gear in force after each and counts switches.</summary>
    private (int Gear, int Switches) Run(int gear, IEnumerable<LoadEstimate> windows)
    {
        var switches = 0;
        foreach (var estimate in windows)
        {
            var decision = _controller.Decide(_table, gear, estimate);
            if (decision.Switch) { gear = decision.Target; switches++; }
            _clock.Advance(TimeSpan.FromMilliseconds(100));
        }
        return (gear, switches);
    }

    [Fact]
    public void No_gear_in_force_gets_the_gear_for_the_demand_at_once()
    {
        var decision = _controller.Decide(_table, -1, Steady(150));
        Assert.True(decision.Switch);
        Assert.Equal(1, decision.Target);
    }

    [Fact]
    public void Steps_up_in_the_same_window_the_demand_leaves_the_band()
    {
        Assert.False(_controller.Decide(_table, 0, Steady(90)).Switch);
        var decision = _controller.Decide(_table, 0, Steady(390));
        Assert.True(decision.Switch);
        Assert.Equal(2, decision.Target);
        Assert.Contains("above gear 0", decision.Reason);
    }

    [Fact]
    public void Steps_down_only_after_the_hold_and_to_the_highest_gear_the_hold_needed()
    {
        // 150 req/s is gear 1's load with 10% margin to spare (≤ 180); gear 3 is in force.
        var hold = (int)(Options.HoldSeconds * 10);
        var (gear, switches) = Run(3, Enumerable.Repeat(Steady(150), hold - 1));
        Assert.Equal((3, 0), (gear, switches));
        (gear, switches) = Run(gear, Enumerable.Repeat(Steady(150), 2));
        Assert.Equal((1, 1), (gear, switches));
    }

    [Fact]
    public void A_window_that_needs_the_current_gear_restarts_the_hold()
    {
        var hold = (int)(Options.HoldSeconds * 10);
        var windows = Enumerable.Repeat(Steady(150), hold - 2).Append(Steady(450)).Concat(Enumerable.Repeat(Steady(150), hold - 2));
        Assert.Equal((3, 0), Run(3, windows));
    }

    [Fact]
    public void A_mean_within_the_margin_of_the_lower_edge_does_not_step_down()
    {
        // Gear 2 is in force; 190 req/s fits gear 1 (≤ 200) but not with a 10% margin.
        Assert.Equal((2, 0), Run(2, Enumerable.Repeat(Steady(190), (int)(Options.HoldSeconds * 10) * 4)));
    }

    [Fact]
    public void Noisy_low_rates_step_down_on_their_mean()
    {
        // 50 req/s in 100 ms windows of Poisson counts reads anywhere from 0 to ~120: no window needs gear 2
        // (> 200), and the mean clears gear 0's edge (100) by the margin.
        var random = new Random(3);
        var windows = Enumerable.Range(0, (int)(Options.HoldSeconds * 10) + 1).Select(_ => Steady(10 * Poisson(random, 5)));
        Assert.Equal((0, 1), Run(2, windows));
    }

    private static int Poisson(Random random, double mean)
    {
        var (limit, product, k) = (Math.Exp(-mean), random.NextDouble(), 0);
        while (product > limit) { k++; product *= random.NextDouble(); }
        return k;
    }

    [Fact]
    public void Does_not_step_down_while_queues_hold_items()
    {
        var hold = (int)(Options.HoldSeconds * 10);
        Assert.Equal((3, 0), Run(3, Enumerable.Repeat(Steady(50, queue: Options.DrainedQueueItems + 1), hold * 3)));
        Assert.Equal(0, Run(3, Enumerable.Repeat(Steady(50), hold + 1)).Gear);
    }

    [Fact]
    public void Steady_noisy_load_at_a_band_edge_switches_at_most_once()
    {
        // ±5% noise around gear 1's upper edge for a minute, deterministic.
        var random = new Random(7);
        var windows = Enumerable.Range(0, 600).Select(_ => Steady(200 * (0.95 + 0.10 * random.NextDouble())));
        var (_, switches) = Run(1, windows);
        Assert.True(switches <= 1, $"{switches} switches");
    }

    [Fact]
    public void An_arrival_burst_switches_up_to_the_burst_windows_rate()
    {
        var burst = new LoadEstimate(DateTimeOffset.UnixEpoch, 120, 700, BurstKind.Arrivals, 700, 0, 0);
        var decision = _controller.Decide(_table, 1, burst);
        Assert.True(decision.Switch);
        Assert.Equal(3, decision.Target);
        Assert.Contains("burst", decision.Reason);
    }

    [Fact]
    public void A_growing_backlog_steps_up_one_gear_even_when_the_rate_fits()
    {
        var backlog = new LoadEstimate(DateTimeOffset.UnixEpoch, 150, 150, BurstKind.Backlog, 150, 500, 0);
        var decision = _controller.Decide(_table, 1, backlog);
        Assert.True(decision.Switch);
        Assert.Equal(2, decision.Target);
        Assert.False(_controller.Decide(_table, 3, backlog).Switch); // nothing above the top gear
    }

    [Fact]
    public void A_gear_set_from_outside_restarts_the_hold()
    {
        var hold = (int)(Options.HoldSeconds * 10);
        Run(3, Enumerable.Repeat(Steady(150), hold - 1));
        // Someone else put gear 2 in force: its own hold starts now.
        Assert.Equal((2, 0), Run(2, Enumerable.Repeat(Steady(150), hold - 1)));
    }
}
