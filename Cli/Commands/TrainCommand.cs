using Gearbox.Data;
using Gearbox.Models;
using TorchSharp;

namespace Gearbox.Cli.Commands;

/// <summary>
/// <c>train [--only a,b] [--missing] [--epochs N] [--limit N] [--seed N]</c>: trains the zoo and saves
/// weights with metadata. --missing keeps models whose weights exist and match the dataset.
/// </summary>
public static class TrainCommand
{
    public static int Run(CliArgs args, GearboxPaths paths)
    {
        var data = DatasetFile.Read(paths.DatasetFile);
        var store = new ModelStore(paths.ModelsDirectory);
        var limit = args.Int("limit", int.MaxValue, min: 1);
        var seed = args.Int("seed", 42);
        int? epochs = args.String("epochs") is null ? null : args.Int("epochs", 1, min: 1, max: 100);
        torch.set_num_threads(Environment.ProcessorCount);
        Console.WriteLine($"{"model",-11} {"params",9} {"epochs",6} {"items",7} {"test acc",9} {"seconds",8}");
        foreach (var spec in TrainingSets.Select(args))
        {
            if (args.Flag("missing") && IsCurrent(store, spec, data.Hash))
            {
                Print(store.ReadMetadata(spec.Name), "(kept)");
                continue;
            }
            var bar = new ProgressBar(spec.Name);
            var progress = new InlineProgress<TrainingProgress>(p =>
                bar.Update((p.Epoch - 1 + (double)p.Done / p.Total) / p.Epochs, $"epoch {p.Epoch}/{p.Epochs} loss {p.Loss:F3}"));
            var (module, metadata) = Trainer.Train(
                spec, TrainingSets.Train(spec, data, limit), TrainingSets.Test(spec, data), data.Hash, seed, epochs, progress);
            store.Save(module, metadata);
            module.Dispose();
            bar.Done($"test accuracy {metadata.TestAccuracy:P2}");
            Print(metadata, "");
        }
        return 0;
    }

    private static bool IsCurrent(ModelStore store, ModelSpec spec, string dataHash)
    {
        if (!store.Has(spec.Name)) return false;
        try
        {
            var metadata = store.ReadMetadata(spec.Name);
            return metadata.DataHash == dataHash && metadata.Architecture == ArchitectureSignature.Of(spec.Create());
        }
        catch (ModelLoadException)
        {
            return false;
        }
    }

    private static void Print(ModelMetadata m, string note) =>
        Console.WriteLine($"{m.Name,-11} {m.Parameters,9:N0} {m.Epochs,6} {m.TrainingItems,7} {m.TestAccuracy,9:P2} {m.TrainingSeconds,8:F1} {note}");
}
