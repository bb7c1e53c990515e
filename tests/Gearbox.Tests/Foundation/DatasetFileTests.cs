using System.Text.Json;
using Gearbox.Data;

namespace Gearbox.Tests.Foundation;

public class DatasetFileTests
{
    [Fact]
    public void Round_trip_keeps_every_split_pixel_and_label()
    {
        var path = Path.Combine(SyntheticData.TempDirectory(), "d.bin");
        var (train, validation, test) = (SyntheticData.Images(30, 1), SyntheticData.Images(10, 2), SyntheticData.Images(20, 3));
        DatasetFile.Write(path, train, validation, test);

        var read = DatasetFile.Read(path);

        Assert.Equal(train.Pixels, read.Train.Pixels);
        Assert.Equal(train.Labels, read.Train.Labels);
        Assert.Equal(validation.Pixels, read.Validation.Pixels);
        Assert.Equal(test.Labels, read.Test.Labels);
        Assert.Equal(16, read.Hash.Length);
    }

    [Fact]
    public void Missing_file_names_the_file_and_the_rebuild_command()
    {
        var path = Path.Combine(SyntheticData.TempDirectory(), "absent.bin");
        var error = Assert.Throws<DatasetFileException>(() => DatasetFile.Read(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("./gearbox data", error.Message);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("flipped")]
    [InlineData("header")]
    public void Corrupt_file_is_refused_with_the_reason(string damage)
    {
        var path = Path.Combine(SyntheticData.TempDirectory(), "d.bin");
        DatasetFile.Write(path, SyntheticData.Images(5, 1), SyntheticData.Images(5, 2), SyntheticData.Images(5, 3));
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "truncated": bytes = bytes[..^100]; break;
            case "flipped": bytes[500] ^= 0xFF; break;
            case "header": bytes[0] = (byte)'X'; break;
        }
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<DatasetFileException>(() => DatasetFile.Read(path));
        Assert.Contains("corrupt", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Converter_splits_each_class_deterministically_and_skips_empty_entries()
    {
        var source = SyntheticData.TempDirectory();
        var images = SyntheticData.Images(100, 7);
        for (var label = 0; label < 10; label++)
        {
            var entries = Enumerable.Range(0, images.Count).Where(i => images.Labels[i] == label)
                .Select(i => images.Image(i).ToArray().Select(b => (int)b).ToArray()).ToList();
            if (label == 0) entries.Insert(3, []);
            File.WriteAllText(Path.Combine(source, $"{label}.json"), JsonSerializer.Serialize(new { data = entries }));
        }
        var first = Path.Combine(source, "a.bin");
        var second = Path.Combine(source, "b.bin");

        FashionMnistConverter.Convert(source, first, validationPerClass: 2, testPerClass: 3);
        FashionMnistConverter.Convert(source, second, validationPerClass: 2, testPerClass: 3);

        var data = DatasetFile.Read(first);
        Assert.Equal(50, data.Train.Count);
        Assert.Equal(20, data.Validation.Count);
        Assert.Equal(30, data.Test.Count);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(3, data.Test.Labels.Count(l => l == c)));
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [Fact]
    public void Grid_images_are_deterministic_and_place_tiles_where_labelled()
    {
        var source = SyntheticData.Images(50, 4);
        var a = GridImages.Generate(source, 40, seed: 9);
        var b = GridImages.Generate(source, 40, seed: 9);

        Assert.Equal(a.Pixels, b.Pixels);
        Assert.Contains(a.TileLabels, t => t.Contains(-1));
        Assert.Contains(a.TileLabels, t => t.Any(l => l >= 0));
        var grid = TestBatches.Of(a, 0, 1);
        for (var tile = 0; tile < 4; tile++)
        {
            var cut = GridImages.CutTiles(grid, [(0, tile)]).ItemAsFloats(0);
            var bright = cut.Count(p => p > 0.7f);
            if (a.TileLabels[0][tile] < 0) Assert.Equal(0, bright);
            else Assert.True(bright >= 40, $"tile {tile} should hold an image");
        }
    }
}
