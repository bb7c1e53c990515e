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
            var solved = LeastSquares(x.Select(row => columns.Select(j => row[j]).ToArray()).ToArray(), y);
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

    /// <summary>Normal equations by Gaussian elimination; null when the columns are (nearly) collinear.</summary>
    private static double[]? LeastSquares(double[][] x, double[] y)
    {
        var n = x[0].Length;
        var a = new double[n, n + 1];
        for (var r = 0; r < x.Length; r++)
        {
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++) a[i, j] += x[r][i] * x[r][j];
                a[i, n] += x[r][i] * y[r];
            }
        }
        var scale = Enumerable.Range(0, n).Max(i => Math.Abs(a[i, i]));
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            if (Math.Abs(a[pivot, col]) < 1e-10 * scale) return null;
            for (var j = 0; j <= n; j++) (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
            for (var r = 0; r < n; r++)
            {
                if (r == col) continue;
                var f = a[r, col] / a[col, col];
                for (var j = col; j <= n; j++) a[r, j] -= f * a[col, j];
            }
        }
        return Enumerable.Range(0, n).Select(i => a[i, n] / a[i, i]).ToArray();
    }
}
