using Gearbox.Contracts.Profiles;

namespace Gearbox.Profiling;

/// <summary>
/// Splits the serving path's measured CPU into three terms by non-negative least squares over the runs:
/// overhead_ms = c·seconds + a·requests + b·items. <c>c</c> is CPU per second while traffic flows at all
/// (thread-pool workers spinning before they sleep, timers: it makes the per-request cost fall as the
/// rate rises), <c>a</c> CPU per request, <c>b</c> per item routed to a worker grain. Idle CPU is
/// subtracted before. Every subset of the terms is fitted and the best fit with no negative term wins
/// (exact non-negative least squares for three unknowns); <see cref="Result.How"/> says which terms
/// the runs supported. Runs must differ in rate (for c) and in items per request (for b).
/// </summary>
public static class ServingCostFit
{
    public sealed record Result(double CpuMsPerSecond, double CpuMsPerRequest, double CpuMsPerItem, string How);

    public static Result Fit(IReadOnlyList<ServingRun> runs)
    {
        var used = runs.Where(r => r.Requests > 0 && r.WallSeconds > 0).ToList();
        if (used.Count == 0) throw new InvalidDataException("No serving runs to fit.");
        var x = used.Select(r => new[] { r.WallSeconds, r.Requests, (double)r.Items }).ToArray();
        var y = used.Select(r => r.OverheadCpuMs).ToArray();
        string[] names = ["per second", "per request", "per item"];

        (double[] Theta, double Residual, int Mask)? best = null;
        for (var mask = 1; mask < 8; mask++)
        {
            var columns = Enumerable.Range(0, 3).Where(j => (mask >> j & 1) == 1).ToArray();
            if (columns.Length > used.Count) continue;
            var solved = Planning.LeastSquares.Solve(x.Select(row => columns.Select(j => row[j]).ToArray()).ToArray(), y, relativeTolerance: 1e-10);
            if (solved is null || solved.Any(t => t < 0)) continue;
            var theta = new double[3];
            for (var k = 0; k < columns.Length; k++) theta[columns[k]] = solved[k];
            var residual = x.Select((row, i) => Math.Pow(row[0] * theta[0] + row[1] * theta[1] + row[2] * theta[2] - y[i], 2)).Sum();
            // Fewer terms win ties (within 0.1%), so a term the data do not need is not invented.
            if (best is null || residual < best.Value.Residual * 0.999 || (residual <= best.Value.Residual * 1.001 && BitCount(mask) < BitCount(best.Value.Mask)))
                best = (theta, residual, mask);
        }
        if (best is not { } fit)
        {
            // All CPU negative after idle subtraction: nothing measurable.
            return new Result(0, 0, 0, "no term came out positive (the runs' CPU was within the idle CPU)");
        }
        var kept = Enumerable.Range(0, 3).Where(j => (fit.Mask >> j & 1) == 1).Select(j => names[j]);
        var ratios = used.Select(r => r.Items / (double)r.Requests).ToArray();
        var rms = Math.Sqrt(fit.Residual / used.Count);
        return new Result(fit.Theta[0], fit.Theta[1], fit.Theta[2],
            $"non-negative least squares over {used.Count} runs (rates {used.Min(r => r.OfferedRate):0.#}–{used.Max(r => r.OfferedRate):0.#}/s, " +
            $"items per request {ratios.Min():0.##}–{ratios.Max():0.##}); terms kept: {string.Join(", ", kept)}; rms residual {rms:0} ms per run");
    }

    private static int BitCount(int mask) => System.Numerics.BitOperations.PopCount((uint)mask);
}
