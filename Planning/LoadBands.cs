namespace Gearbox.Planning;

/// <summary>Upper edges of the load bands: geometric steps ending at the max load.</summary>
public static class LoadBands
{
    /// <summary>The ratio between neighbouring edges when none is given: the lowest band ends at max/64.</summary>
    public static double DefaultFactor(int bands) => bands <= 1 ? 2 : Math.Pow(64, 1.0 / (bands - 1));

    public static double[] UpperEdges(double maxLoad, int bands, double factor)
    {
        if (factor <= 1) factor = DefaultFactor(bands);
        return Enumerable.Range(0, bands).Select(i => maxLoad / Math.Pow(factor, bands - 1 - i)).ToArray();
    }
}
