using Gearbox.Contracts.Profiles;
using Gearbox.Data;
using Gearbox.Inference;
using Gearbox.Models;
using Gearbox.Planning;
using Gearbox.Profiling;

namespace Gearbox.Cli.Commands;

/// <summary>
/// <c>profile [--only a,b] [--missing] [--threads 1,2] [--repetitions N] [--warmup N] [--device D]</c>:
/// latency per batch size (at each thread count) and per-validation-item outcomes for every model, saved as profile files.
/// </summary>
public static class ProfileCommand
{
    public static int Run(CliArgs args, GearboxPaths paths)
    {
        var data = DatasetFile.Read(paths.DatasetFile);
        var store = new ModelStore(paths.ModelsDirectory);
        var files = new ProfileFile(paths.ProfilesDirectory);
        var threadCounts = ThreadCounts(args.String("threads"));
        var repetitions = args.Int("repetitions", 20, min: 1, max: 10_000);
        var warmup = args.Int("warmup", 3, min: 0, max: 1000);
        var table = new List<ModelProfile>();
        foreach (var spec in TrainingSets.Select(args))
        {
            if (args.Flag("missing") && Current(files, spec.Name, data.Hash, threadCounts) is { } current)
            {
                table.Add(current);
                continue;
            }
            using var engine = InferenceEngine.Load(store, spec, args.String("device"), threadCounts[0]);
            var bar = new ProgressBar(spec.Name);
            var validation = TrainingSets.Validation(spec, data);
            var pool = validation.Inputs(Enumerable.Range(0, Math.Min(128, validation.Count)).ToArray());
            var done = 0;
            var steps = threadCounts.Length * Profiler.DefaultBatchSizes.Length + 1.0;
            var latencies = new List<ThreadLatency>();
            foreach (var threads in threadCounts)
            {
                engine.SetThreads(threads); // in place, from the next batch on (the engine's own thread applies it)
                var points = Profiler.MeasureLatency(engine, pool, Math.Min(128, validation.Count), Profiler.DefaultBatchSizes, warmup, repetitions,
                    new InlineProgress<string>(line => bar.Update(++done / steps, $"{threads} thread(s) {line}")));
                latencies.Add(new ThreadLatency(threads, points));
            }
            var (confidence, correct, fanOut) = Profiler.MeasureValidation(engine, validation);
            var profile = new ModelProfile(spec.Name, engine.Device, threadCounts[0], DateTimeOffset.UtcNow, data.Hash, latencies[0].Latency, confidence, correct, fanOut,
                latencies.Count > 1 ? latencies.Skip(1).ToArray() : null);
            files.Save(profile);
            bar.Done($"validation accuracy {profile.Accuracy:P2}, saved {files.PathOf(spec.Name)}");
            table.Add(profile);
        }
        PrintTable(table);
        return 0;
    }

    /// <summary>
    /// "--threads 1,2": the intra-op thread counts to measure latency at, the first being the profile's
    /// main one. Default: 1 and 2 (two counts make Sponge's l(b, c) fit identifiable), 1 alone on a 1-core machine.
    /// </summary>
    public static int[] ThreadCounts(string? option)
    {
        var cores = Environment.ProcessorCount;
        if (option is null) return cores >= 2 ? [1, 2] : [1];
        var counts = option.Split(',').Select(t => int.TryParse(t, out var n) && n >= 1 && n <= cores
            ? n : throw new UsageException($"--threads must be thread counts in [1, {cores}] separated by commas, not '{option}'.")).ToArray();
        if (counts.Distinct().Count() != counts.Length) throw new UsageException($"--threads lists a thread count twice: '{option}'.");
        return counts;
    }

    /// <summary>The saved profile when it is current (same dataset, every requested thread count measured), else null.</summary>
    private static ModelProfile? Current(ProfileFile files, string model, string dataHash, int[] threadCounts)
    {
        if (!files.Has(model)) return null;
        ModelProfile profile;
        try { profile = files.Load(model); }
        catch (InvalidDataException) { return null; }
        if (profile.DataHash != dataHash) return null;
        if (threadCounts.Any(t => profile.LatencyFor(t) is null))
        {
            Console.WriteLine($"{model}: profile has latency at {string.Join(",", profile.ThreadCounts())} thread(s), {string.Join(",", threadCounts)} wanted: measuring again.");
            return null;
        }
        return profile;
    }

    private static void PrintTable(IReadOnlyList<ModelProfile> profiles)
    {
        if (profiles.Count == 0) return;
        foreach (var threads in profiles[0].ThreadCounts())
        {
            var measured = profiles.Where(p => p.LatencyFor(threads) is not null).ToList();
            Console.WriteLine();
            Console.WriteLine($"Latency per batch (ms, median / p95) on {profiles[0].Device}, {threads} thread(s):");
            Console.Write($"{"batch",6}");
            foreach (var p in measured) Console.Write($" {p.Model,21}");
            Console.WriteLine();
            foreach (var batch in measured[0].LatencyFor(threads)!.Select(l => l.BatchSize))
            {
                Console.Write($"{batch,6}");
                foreach (var p in measured)
                {
                    var point = p.LatencyFor(threads)!.FirstOrDefault(l => l.BatchSize == batch);
                    Console.Write(point is null ? $" {"",21}" : $" {point.MedianMs,10:F3} / {point.P95Ms,8:F3}");
                }
                Console.WriteLine();
            }
        }
        Console.Write($"{"val acc",6}");
        foreach (var p in profiles) Console.Write($" {p.Accuracy,21:P2}");
        Console.WriteLine();
        Console.WriteLine();
        Console.WriteLine("Sponge l(b,c) = γ·b/c + δ·b + ε/c + η fitted to each profile's medians at all its thread counts:");
        foreach (var p in profiles)
        {
            var samples = SpongeLatencyModel.Samples(p);
            var fit = SpongeLatencyModel.Fit(samples);
            Console.WriteLine($"  {p.Model,-11} γ={fit.Gamma:0.0000} δ={fit.Delta:0.0000} ε={fit.Epsilon:0.0000} η={fit.Eta:0.0000}  rms error {fit.RmsErrorMs(samples):0.000} ms" +
                              (fit.Identifiable ? $" (threads {string.Join(",", p.ThreadCounts())})" : " (one thread count: not identifiable)"));
        }
    }
}
