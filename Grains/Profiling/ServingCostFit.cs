using Gearbox.Contracts.Profiles;

namespace Gearbox.Profiling;

/// <summary>
/// Splits the serving path's measured CPU into a per-request and a per-item term by least squares over
/// the runs: overhead_ms = a·requests + b·items (no intercept: idle CPU is subtracted before). The runs
/// must differ in items per request (a single model, a cascade, a tile split) for the split to be
/// identifiable; otherwise, or when a term comes out negative, all of it is put on one term and
/// <see cref="Result.How"/> says so.
/// </summary>
public static class ServingCostFit
{
    /// <summary>Least spread of items per request between runs that still separates the two terms.</summary>
    public const double MinItemsPerRequestSpread = 0.25;

    public sealed record Result(double CpuMsPerRequest, double CpuMsPerItem, string How);

    public static Result Fit(IReadOnlyList<ServingRun> runs)
    {
        var used = runs.Where(r => r.Requests > 0).ToList();
        if (used.Count == 0) throw new InvalidDataException("No serving runs to fit.");
        var totalRequests = used.Sum(r => (double)r.Requests);
        var totalItems = used.Sum(r => (double)r.Items);
        var totalCpu = used.Sum(r => r.OverheadCpuMs);
        var perRequestOnly = new Result(Math.Max(0, totalCpu / totalRequests), 0, "per request only");
        var ratios = used.Select(r => r.Items / (double)r.Requests).ToArray();
        if (totalItems <= 0 || ratios.Max() - ratios.Min() < MinItemsPerRequestSpread)
            return perRequestOnly with { How = $"per request only (items per request {ratios.Min():0.##}–{ratios.Max():0.##}: too little spread to separate a per-item term)" };

        double rr = 0, ri = 0, ii = 0, ry = 0, iy = 0;
        foreach (var r in used)
        {
            double n = r.Requests, m = r.Items, y = r.OverheadCpuMs;
            rr += n * n; ri += n * m; ii += m * m; ry += n * y; iy += m * y;
        }
        var det = rr * ii - ri * ri;
        if (Math.Abs(det) < 1e-9 * rr * ii) return perRequestOnly with { How = "per request only (runs collinear)" };
        var a = (ry * ii - ri * iy) / det;
        var b = (rr * iy - ri * ry) / det;
        if (b < 0) return perRequestOnly with { How = $"per request only (the two-term fit gave a negative per-item cost, {b:0.####} ms)" };
        if (a < 0) return new Result(0, totalCpu / totalItems, $"per item only (the two-term fit gave a negative per-request cost, {a:0.####} ms)");
        return new Result(a, b, $"least squares over {used.Count} runs, items per request {ratios.Min():0.##}–{ratios.Max():0.##}");
    }
}
