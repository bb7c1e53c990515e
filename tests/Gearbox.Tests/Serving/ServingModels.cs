using Gearbox.Data;
using Gearbox.Models;

namespace Gearbox.Tests.Serving;

/// <summary>
/// Real Fashion-MNIST (the dataset file ./gearbox test builds) and all four zoo models, trained for one
/// quick epoch on a small slice into a temp data directory. Answers are what matter, not accuracy.
/// </summary>
public sealed class ServingModels
{
    private static readonly Lazy<ServingModels> Shared = new(() => new ServingModels());

    private ServingModels()
    {
        var source = GearboxPaths.Default();
        if (!File.Exists(source.DatasetFile))
            throw new InvalidOperationException($"'{source.DatasetFile}' is missing: run ./gearbox test, which builds it first.");
        Data = DatasetFile.Read(source.DatasetFile);
        Paths = new GearboxPaths(Foundation.SyntheticData.TempDirectory());
        var store = new ModelStore(Paths.ModelsDirectory);
        foreach (var spec in ModelZoo.All)
        {
            var train = TrainingData.For(spec, Data.Train.Take(2000), 2000, seed: 1);
            var test = TrainingData.For(spec, Data.Test.Take(300), 100, seed: 3);
            var epochs = spec.Kind == ModelKind.TileDetector ? 2 : 1;
            var (module, metadata) = Trainer.Train(spec, train, test, Data.Hash, seed: 7, epochs);
            store.Save(module, metadata);
            module.Dispose();
        }
        Store = store;
    }

    public static ServingModels Instance => Shared.Value;

    public FashionMnist Data { get; }
    public GearboxPaths Paths { get; }
    public ModelStore Store { get; }
}
