namespace Gearbox.Planning;

/// <summary>Ordinary least squares through the normal equations XᵀX θ = Xᵀy, by Gaussian elimination with partial pivoting.</summary>
public static class LeastSquares
{
    /// <summary>
    /// θ, or null when the columns are (nearly) collinear: a pivot below <paramref name="absoluteTolerance"/>
    /// or below <paramref name="relativeTolerance"/> × the largest diagonal entry of XᵀX.
    /// </summary>
    public static double[]? Solve(double[][] x, double[] y, double absoluteTolerance = 0, double relativeTolerance = 0)
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
        var tolerance = Math.Max(absoluteTolerance, relativeTolerance * Enumerable.Range(0, n).Max(i => Math.Abs(a[i, i])));
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            if (Math.Abs(a[pivot, col]) < tolerance) return null;
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
