using Gearbox.Contracts.Protocol;
using Gearbox.Data;
using Gearbox.Serving;

namespace Gearbox.Cli.Commands;

/// <summary>
/// <c>example [PIPELINE] [--index N] [--slo-ms X]</c>: prints an infer request body for one test-split
/// image (28x28, or a 56x56 grid for fashion-grid) on stdout and its true label(s) on stderr, so a
/// request can be tried by hand: <c>./gearbox example fashion | curl -d @- ...</c>.
/// </summary>
public static class ExampleCommand
{
    public static int Run(CliArgs args, GearboxPaths paths)
    {
        var name = args.Positional.FirstOrDefault() ?? "fashion";
        var catalog = PipelineCatalog.Load();
        if (!catalog.TryGet(name, out var pipeline))
            throw new UsageException($"No pipeline or model named '{name}'; there are: {string.Join(", ", catalog.All.Select(p => p.Name))}.");
        var test = DatasetFile.Read(paths.DatasetFile).Test;
        double? slo = args.String("slo-ms") is null ? null : args.Double("slo-ms", 50, 0.001, 60_000);
        var grid = pipeline.InputSide == GridImages.Side;
        var limit = grid ? 1000 : test.Count;
        var index = args.Int("index", 0, 0, limit - 1);

        string body;
        string truth;
        if (grid)
        {
            var grids = GridImages.Generate(test, index + 1, seed: 3);
            var size = GridImages.Side * GridImages.Side;
            body = InferRequestJson.ForImage(grids.Pixels.AsSpan(index * size, size), GridImages.Side, slo);
            truth = "tile labels [" + string.Join(", ", grids.TileLabels[index]) + "] (-1: empty; " +
                string.Join(", ", grids.TileLabels[index].Select(l => l < 0 ? "empty" : FashionMnist.ClassNames[l])) + ")";
        }
        else
        {
            body = InferRequestJson.ForImage(test.Image(index), FashionMnist.Side, slo);
            var label = test.Labels[index];
            truth = $"label {label} ({FashionMnist.ClassNames[label]})";
        }
        Console.Out.WriteLine(body);
        Console.Error.WriteLine($"test image {index}: true {truth}");
        return 0;
    }
}
