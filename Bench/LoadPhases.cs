using System.Globalization;

namespace Gearbox.Bench;

/// <summary>One step of a phased run: Poisson arrivals at <see cref="Rate"/> per second for <see cref="Seconds"/>.</summary>
public sealed record LoadPhase(double Rate, double Seconds)
{
    public override string ToString() =>
        $"{Rate.ToString(CultureInfo.InvariantCulture)}x{Seconds.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// The arrival times of a phased run as one open-loop schedule: the phases run back to back with no
/// pause, so the server sees each step in load. <see cref="Phase"/>[k] is the phase of request k.
/// </summary>
/// <param name="PhaseStartMs">Each phase's start, from the start of the run; one more entry for the end.</param>
/// <param name="Capped">The request cap cut the schedule short (the later phases are partly or wholly missing).</param>
public sealed record PhasedSchedule(double[] OffsetsMs, int[] Phase, double[] PhaseStartMs, bool Capped)
{
    public double TotalSeconds => PhaseStartMs[^1] / 1000;
}

public static class LoadPhases
{
    public const double MaxRate = 100_000;
    public const double MaxTotalSeconds = 3600;

    /// <summary>Reads "200x20,800x20,200x30" (rate × seconds per phase); a bad token is named in the error.</summary>
    public static LoadPhase[] Parse(string text)
    {
        var tokens = text.Split(',');
        var phases = new List<LoadPhase>();
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i].Trim();
            if (token.Length == 0)
                throw new BenchUsageException($"--phases: phase {i + 1} of '{text}' is empty; write RATExSECONDS,RATExSECONDS,... e.g. 200x20,800x20.");
            var parts = token.Split('x', 'X', '×');
            if (parts.Length != 2)
                throw new BenchUsageException($"--phases: '{token}' is not RATExSECONDS (e.g. 200x20: 200 requests/s for 20 s).");
            if (!double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || !(rate >= 0.01 && rate <= MaxRate))
                throw new BenchUsageException($"--phases: the rate in '{token}' must be a number in [0.01, {MaxRate.ToString(CultureInfo.InvariantCulture)}] requests/s.");
            if (!double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds > 0 && seconds <= MaxTotalSeconds))
                throw new BenchUsageException($"--phases: the seconds in '{token}' must be a number in (0, {MaxTotalSeconds.ToString(CultureInfo.InvariantCulture)}].");
            phases.Add(new LoadPhase(rate, seconds));
        }
        var total = phases.Sum(p => p.Seconds);
        if (total > MaxTotalSeconds)
            throw new BenchUsageException($"--phases: '{text}' lasts {total.ToString(CultureInfo.InvariantCulture)} s; a run is at most {MaxTotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        return [.. phases];
    }

    /// <summary>
    /// One seeded Poisson process whose rate steps at each phase boundary (exact, the process being
    /// memoryless: at a boundary the next gap is drawn at the new rate from the boundary), at most
    /// <paramref name="maxRequests"/> arrivals in all.
    /// </summary>
    public static PhasedSchedule Schedule(IReadOnlyList<LoadPhase> phases, int maxRequests, int seed)
    {
        var random = new Random(seed);
        var offsets = new List<double>();
        var phaseOf = new List<int>();
        var starts = new double[phases.Count + 1];
        var capped = false;
        for (var p = 0; p < phases.Count; p++)
        {
            var start = starts[p];
            var end = start + phases[p].Seconds * 1000;
            starts[p + 1] = end;
            if (!(phases[p].Rate > 0)) continue; // a trace second with no load: no arrivals
            var meanGapMs = 1000.0 / phases[p].Rate;
            var at = start;
            while (!capped)
            {
                at += -Math.Log(1 - random.NextDouble()) * meanGapMs; // exponential gap; 1 - u avoids log(0)
                if (at >= end) break;
                if (offsets.Count >= maxRequests)
                {
                    capped = true;
                    break;
                }
                offsets.Add(at);
                phaseOf.Add(p);
            }
        }
        return new PhasedSchedule([.. offsets], [.. phaseOf], starts, capped);
    }
}
