using Gearbox.Bench;

namespace Gearbox.Tests.Bench;

public class LoadTraceTests
{
    [Theory]
    [InlineData("second,rate\n0,10\n1,20\n2,0\n")]
    [InlineData("0,10\n1,20\n2,0")]
    [InlineData("\uFEFFsecond , rate\r\n0, 10\r\n\r\n1,20.0\r\n2,0\r\n\r\n")]
    public void A_csv_trace_is_read_with_or_without_header_and_blank_lines(string csv)
    {
        var trace = LoadTraces.ParseCsv(csv, "/some/where/day.csv");

        Assert.Equal("day.csv", trace.Name);
        Assert.Equal([10.0, 20.0, 0.0], trace.Rates);
        Assert.Equal(3, trace.Seconds);
        Assert.Equal(10, trace.MeanRate, 9);
        Assert.Equal(20, trace.PeakRate);
    }

    [Theory]
    [InlineData("second,rate\n0,10\nx,20\n", 3, "the second 'x' is not a number")]
    [InlineData("0,10\n1,fast\n", 2, "the rate 'fast' is not a number")]
    [InlineData("0,10\n1,NaN\n", 2, "the rate 'NaN' is not a number")]
    [InlineData("second,rate\n0,10\n1,-5\n", 3, "negative")]
    [InlineData("1,10\n2,10\n", 1, "second 1 where 0 was expected")]
    [InlineData("0,10\n1,10\n3,10\n", 3, "second 3 where 2 was expected")]
    [InlineData("0,10\n1,10\n1,10\n", 3, "second 1 where 2 was expected")]
    [InlineData("0,10\n0.5,10\n", 2, "second 0.5 where 1 was expected")]
    [InlineData("0,10\n1,10,3\n", 2, "has 3 field(s)")]
    [InlineData("0,10\n\n\n1\n", 4, "has 1 field(s)")]
    [InlineData("0,10\n1,200000\n", 2, "above the bench's limit")]
    public void A_bad_line_is_named_by_its_number(string csv, int line, string why)
    {
        var error = Assert.Throws<BenchUsageException>(() => LoadTraces.ParseCsv(csv, "t.csv"));

        Assert.Contains($"--trace t.csv: line {line}:", error.Message);
        Assert.Contains(why, error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n  \n")]
    [InlineData("second,rate\n")]
    public void An_empty_trace_is_refused(string csv)
    {
        var error = Assert.Throws<BenchUsageException>(() => LoadTraces.ParseCsv(csv, "t.csv"));

        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void A_trace_of_zeros_is_refused()
    {
        var error = Assert.Throws<BenchUsageException>(() => LoadTraces.ParseCsv("0,0\n1,0\n", "t.csv"));

        Assert.Contains("every rate is 0", error.Message);
    }

    [Fact]
    public void A_missing_file_or_unknown_name_is_an_error()
    {
        var error = Assert.Throws<BenchUsageException>(() => LoadTraces.Resolve("/no/such/trace.csv", 300, 200, 1));

        Assert.Contains("neither 'diurnal', 'bursty' nor a file", error.Message);
    }

    [Fact]
    public void The_diurnal_trace_goes_from_a_night_low_to_the_peak_and_back()
    {
        const double peak = 400;
        var trace = LoadTraces.Diurnal(300, peak, seed: 7);

        Assert.Equal("diurnal", trace.Name);
        Assert.Equal(300, trace.Seconds);
        Assert.Equal(peak, trace.PeakRate);
        // Night low: 10 % of the peak, give or take the ±5 % wobble.
        Assert.InRange(trace.Rates.Min(), 0.10 * peak * 0.95, 0.10 * peak * 1.05);
        Assert.InRange(trace.Rates[0], 0.09 * peak, 0.12 * peak);
        Assert.InRange(trace.Rates[^1], 0.09 * peak, 0.12 * peak);
        // A raised cosine from 10 % to 100 % averages 55 %.
        Assert.InRange(trace.MeanRate, 0.53 * peak, 0.57 * peak);
        // The peak sits at mid-run, and the day is smooth: no second jumps by more than a few percent of the peak.
        Assert.InRange(Array.IndexOf(trace.Rates, trace.PeakRate), 120, 180);
        Assert.All(trace.Rates.Zip(trace.Rates.Skip(1)), pair => Assert.True(Math.Abs(pair.Second - pair.First) < 0.05 * peak));
        // Rising in the morning, falling in the evening.
        Assert.True(trace.Rates[..150].Chunk(30).Select(c => c.Average()).Zip(trace.Rates[..150].Chunk(30).Select(c => c.Average()).Skip(1)).All(p => p.Second > p.First));
        Assert.True(trace.Rates[150..].Chunk(30).Select(c => c.Average()).Zip(trace.Rates[150..].Chunk(30).Select(c => c.Average()).Skip(1)).All(p => p.Second < p.First));
    }

    [Fact]
    public void Generated_traces_are_seeded()
    {
        Assert.Equal(LoadTraces.Diurnal(120, 100, 3).Rates, LoadTraces.Diurnal(120, 100, 3).Rates);
        Assert.NotEqual(LoadTraces.Diurnal(120, 100, 3).Rates, LoadTraces.Diurnal(120, 100, 4).Rates);
        Assert.Equal(LoadTraces.Bursty(300, 100, 3), LoadTraces.Bursty(300, 100, 3), new TraceComparer());
        Assert.NotEqual(LoadTraces.Bursty(300, 100, 3).Bursts, LoadTraces.Bursty(300, 100, 4).Bursts);
    }

    [Theory]
    [InlineData(300, 1)]
    [InlineData(300, 2)]
    [InlineData(600, 3)]
    [InlineData(10, 5)]
    [InlineData(59, 9)]
    public void The_bursty_trace_is_a_base_load_with_separate_bursts_of_four_times_for_5_to_10_seconds(int seconds, int seed)
    {
        const double peak = 200;
        var trace = LoadTraces.Bursty(seconds, peak, seed);

        Assert.Equal(seconds, trace.Seconds);
        Assert.Equal(Math.Max(1, seconds / 60), trace.Bursts.Length);
        var inBurst = new bool[seconds];
        foreach (var burst in trace.Bursts)
        {
            Assert.InRange(burst.Length, 5, 10);
            for (var t = burst.Start; t < burst.Start + burst.Length; t++) inBurst[t] = true;
        }
        for (var t = 0; t < seconds; t++) Assert.Equal(inBurst[t] ? peak : peak / 4, trace.Rates[t]);
        // Never at the very start or end, and never two bursts back to back.
        Assert.False(inBurst[0]);
        Assert.False(inBurst[^1]);
        foreach (var (a, b) in trace.Bursts.Zip(trace.Bursts.Skip(1))) Assert.True(b.Start > a.Start + a.Length);
        Assert.Equal(peak, trace.PeakRate);
        Assert.Equal(4, trace.PeakRate / trace.Rates.Min());
    }

    [Theory]
    [InlineData("diurnal", 1, 100)]
    [InlineData("bursty", 9, 100)]
    [InlineData("bursty", 60, 0)]
    public void Generators_refuse_impossible_shapes(string name, int seconds, double peak)
    {
        var error = Assert.Throws<BenchUsageException>(() => LoadTraces.Resolve(name, seconds, peak, 1));

        Assert.StartsWith("--trace-", error.Message);
    }

    [Fact]
    public void A_trace_runs_as_one_poisson_schedule_of_one_second_phases()
    {
        var trace = LoadTraces.ParseCsv("0,50\n1,0\n2,400\n3,50\n", "t.csv");

        var schedule = LoadPhases.Schedule(trace.ToPhases(), maxRequests: 100_000, seed: 5);

        Assert.Equal([0, 1000, 2000, 3000, 4000], schedule.PhaseStartMs);
        var perSecond = Enumerable.Range(0, 4).Select(s => schedule.Phase.Count(p => p == s)).ToArray();
        Assert.Equal(0, perSecond[1]); // a second at rate 0 sends nothing
        Assert.InRange(perSecond[2], 400 - 5 * 20, 400 + 5 * 20);
        Assert.All(schedule.OffsetsMs.Zip(schedule.Phase), x => Assert.Equal(x.Second, (int)(x.First / 1000)));
        Assert.Equal(schedule.OffsetsMs, LoadPhases.Schedule(trace.ToPhases(), 100_000, 5).OffsetsMs);
    }

    private sealed class TraceComparer : IEqualityComparer<LoadTrace>
    {
        public bool Equals(LoadTrace? x, LoadTrace? y) => x!.Rates.SequenceEqual(y!.Rates) && x.Bursts.SequenceEqual(y.Bursts);

        public int GetHashCode(LoadTrace obj) => obj.Seconds;
    }
}
