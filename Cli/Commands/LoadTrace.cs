namespace Gearbox.Cli.Commands;

/// <summary>
/// The benchmark's load curve: a compressed day (a cosine from a night trough of 15% of peak up to the
/// peak and back) with random surges (×1.3–1.6 for a few windows), as one rate per window.
/// </summary>
public static class LoadTrace
{
    public static double[] Diurnal(int windows, double peak, Random random)
    {
        var rates = new double[windows];
        for (var w = 0; w < windows; w++)
        {
            var phase = 2 * Math.PI * w / windows;
            rates[w] = peak / 1.6 * (0.15 + 0.85 * (0.5 - 0.5 * Math.Cos(phase)));
        }
        for (var surge = 0; surge < Math.Max(1, windows / 30); surge++)
        {
            var start = random.Next(windows);
            var factor = 1.3 + 0.3 * random.NextDouble();
            for (var w = start; w < Math.Min(windows, start + 3 + random.Next(5)); w++) rates[w] = Math.Min(peak, rates[w] * factor);
        }
        return rates;
    }
}
