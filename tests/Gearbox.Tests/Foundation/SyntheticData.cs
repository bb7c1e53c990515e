using Gearbox.Data;

namespace Gearbox.Tests.Foundation;

/// <summary>Small learnable stand-in images for unit tests: class c lights up rows 2c and 2c+1.</summary>
public static class SyntheticData
{
    public static ImageSet Images(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * 784];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = i % 10;
            for (var p = 0; p < 784; p++) pixels[i * 784 + p] = (byte)random.Next(40);
            for (var row = 2 * labels[i]; row < 2 * labels[i] + 2; row++)
            for (var x = 4; x < 24; x++) pixels[i * 784 + row * 28 + x] = (byte)(200 + random.Next(55));
        }
        return new ImageSet(pixels, labels, 28, 28);
    }

    public static string TempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "gearbox-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
