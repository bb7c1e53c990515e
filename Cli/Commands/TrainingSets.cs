using Gearbox.Data;
using Gearbox.Models;

namespace Gearbox.Cli.Commands;

/// <summary>The fixed, seeded data each model trains, validates and tests on.</summary>
public static class TrainingSets
{
    public const int TrainGrids = 12_000, ValidationGrids = 1_000, TestGrids = 2_000;

    public static TrainingData Train(ModelSpec spec, FashionMnist data, int limit) =>
        TrainingData.For(spec, data.Train.Take(limit), Math.Min(TrainGrids, limit), seed: 1);

    public static TrainingData Validation(ModelSpec spec, FashionMnist data) =>
        TrainingData.For(spec, data.Validation, ValidationGrids, seed: 2);

    public static TrainingData Test(ModelSpec spec, FashionMnist data) =>
        TrainingData.For(spec, data.Test, TestGrids, seed: 3);

    public static IReadOnlyList<ModelSpec> Select(CliArgs args)
    {
        var only = args.String("only");
        return only is null ? ModelZoo.All : only.Split(',').Select(ModelZoo.Get).ToList();
    }
}
