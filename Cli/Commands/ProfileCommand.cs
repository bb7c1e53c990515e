using Gearbox.Contracts.Profiles;
using Gearbox.Data;
using Gearbox.Inference;
using Gearbox.Models;
using Gearbox.Profiling;

namespace Gearbox.Cli.Commands;

/// <summary>
/// <c>profile [--only a,b] [--missing] [--threads N] [--repetitions N] [--warmup N] [--device D]</c>:
/// latency per batch size and per-validation-item outcomes for every model, saved as profile files.
/// </summary>
public static class ProfileCommand
{
    public static int Run(CliArgs args, GearboxPaths paths)
    {
        var data = DatasetFile.Read(paths.DatasetFile);
        var store = new ModelStore(paths.ModelsDirectory);
        var files = new ProfileFile(paths.ProfilesDirectory);
        var threads = args.Int("threads", 1, min: 1, max: Environment.ProcessorCount);
        var repetitions = args.Int("repetitions", 20, min: 1, max: 10_000);
        var warmup = args.Int("warmup", 3, min: 0, max: 1000);
        var table = new List<ModelProfile>();
        foreach (var spec in TrainingSets.Select(args))
        {
            if (args.Flag("missing") && files.Has(spec.Name) && files.Load(spec.Name).DataHash == data.Hash)
            {
                table.Add(files.Load(spec.Name));
                continue;
            }
            using var engine = InferenceEngine.Load(store, spec, args.String("device"), threads);
            var bar = new ProgressBar(spec.Name);
            var validation = TrainingSets.Validation(spec, data);
            var pool = validation.Inputs(Enumerable.Range(0, Math.Min(128, validation.Count)).ToArray());
            var done = 0;
            var latency = Profiler.MeasureLatency(engine, pool, Math.Min(128, validation.Count), Profiler.DefaultBatchSizes, warmup, repetitions,
                new InlineProgress<string>(line => bar.Update(++done / (Profiler.DefaultBatchSizes.Length + 1.0), line)));
            var (confidence, correct, fanOut) = Profiler.MeasureValidation(engine, validation);
            var profile = new ModelProfile(spec.Name, engine.Device, threads, DateTimeOffset.UtcNow, data.Hash, latency, confidence, correct, fanOut);
            files.Save(profile);
            bar.Done($"validation accuracy {profile.Accuracy:P2}, saved {files.PathOf(spec.Name)}");
            table.Add(profile);
        }
        PrintTable(table);
        return 0;
    }

    private static void PrintTable(IReadOnlyList<ModelProfile> profiles)
    {
        if (profiles.Count == 0) return;
        Console.WriteLine();
        Console.WriteLine($"Latency per batch (ms, median / p95) on {profiles[0].Device}, {profiles[0].Threads} thread(s):");
        Console.Write($"{"batch",6}");
        foreach (var p in profiles) Console.Write($" {p.Model,21}");
        Console.WriteLine();
        foreach (var batch in profiles[0].Latency.Select(l => l.BatchSize))
        {
            Console.Write($"{batch,6}");
            foreach (var p in profiles)
            {
                var point = p.Latency.First(l => l.BatchSize == batch);
                Console.Write($" {point.MedianMs,10:F3} / {point.P95Ms,8:F3}");
            }
            Console.WriteLine();
        }
        Console.Write($"{"val acc",6}");
        foreach (var p in profiles) Console.Write($" {p.Accuracy,21:P2}");
        Console.WriteLine();
    }
}
