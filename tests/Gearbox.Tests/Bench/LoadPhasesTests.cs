using Gearbox.Bench;

namespace Gearbox.Tests.Bench;

public class LoadPhasesTests
{
    [Fact]
    public void Phases_are_read_as_rate_times_seconds()
    {
        var phases = LoadPhases.Parse("200x20,800X20, 12.5x30");

        Assert.Equal([new LoadPhase(200, 20), new LoadPhase(800, 20), new LoadPhase(12.5, 30)], phases);
    }

    [Theory]
    [InlineData("200x20,800y20", "'800y20'")]
    [InlineData("200x20,fastx20", "'fastx20'")]
    [InlineData("200x20,800x0", "'800x0'")]
    [InlineData("0x20", "'0x20'")]
    [InlineData("200x20x3", "'200x20x3'")]
    [InlineData("200", "'200'")]
    [InlineData("200x20,,200x30", "phase 2")]
    [InlineData("100x3000,100x3000", "at most 3600 s")]
    public void A_bad_phase_is_named_in_the_error(string text, string named)
    {
        var error = Assert.Throws<BenchUsageException>(() => LoadPhases.Parse(text));

        Assert.Contains(named, error.Message);
        Assert.StartsWith("--phases", error.Message);
    }

    [Fact]
    public void The_phases_make_one_schedule_with_monotonic_offsets_and_each_phase_at_its_rate()
    {
        LoadPhase[] phases = [new(200, 20), new(800, 20), new(200, 30)];

        var schedule = LoadPhases.Schedule(phases, maxRequests: 1_000_000, seed: 11);

        Assert.Equal([0, 20_000, 40_000, 70_000], schedule.PhaseStartMs);
        Assert.False(schedule.Capped);
        Assert.Equal(schedule.OffsetsMs.Length, schedule.Phase.Length);
        Assert.All(schedule.OffsetsMs.Zip(schedule.OffsetsMs.Skip(1)), pair => Assert.True(pair.Second > pair.First));
        Assert.All(schedule.Phase.Zip(schedule.Phase.Skip(1)), pair => Assert.True(pair.Second >= pair.First));
        for (var p = 0; p < phases.Length; p++)
        {
            var offsets = schedule.OffsetsMs.Where((_, k) => schedule.Phase[k] == p).ToArray();
            Assert.All(offsets, t => Assert.InRange(t, schedule.PhaseStartMs[p], schedule.PhaseStartMs[p + 1]));
            // A Poisson count with mean n has standard deviation sqrt(n); allow 5 sigma.
            var expected = phases[p].Rate * phases[p].Seconds;
            Assert.InRange(offsets.Length, expected - 5 * Math.Sqrt(expected), expected + 5 * Math.Sqrt(expected));
        }
        // No pause between phases: the step's first arrival comes within a few mean gaps of the boundary.
        Assert.InRange(schedule.OffsetsMs.First(t => t >= 20_000), 20_000, 20_000 + 5 * 1000.0 / 800);
    }

    [Fact]
    public void The_same_seed_gives_the_same_schedule()
    {
        LoadPhase[] phases = [new(50, 2), new(100, 2)];

        Assert.Equal(LoadPhases.Schedule(phases, 10_000, 3).OffsetsMs, LoadPhases.Schedule(phases, 10_000, 3).OffsetsMs);
        Assert.NotEqual(LoadPhases.Schedule(phases, 10_000, 3).OffsetsMs, LoadPhases.Schedule(phases, 10_000, 4).OffsetsMs);
    }

    [Fact]
    public void The_request_cap_cuts_the_schedule_and_says_so()
    {
        var schedule = LoadPhases.Schedule([new(1000, 10), new(1000, 10)], maxRequests: 500, seed: 1);

        Assert.Equal(500, schedule.OffsetsMs.Length);
        Assert.True(schedule.Capped);
        Assert.All(schedule.Phase, p => Assert.Equal(0, p));
    }

    [Fact]
    public void A_switch_time_is_placed_in_its_phase()
    {
        var schedule = LoadPhases.Schedule([new(10, 20), new(10, 20)], 10_000, 1);

        Assert.Equal("1", GearRuns.PhaseAt(schedule, 0));
        Assert.Equal("2", GearRuns.PhaseAt(schedule, 20_000));
        Assert.Equal("-", GearRuns.PhaseAt(schedule, 40_000));
        Assert.Equal("-", GearRuns.PhaseAt(schedule, -5));
    }
}
