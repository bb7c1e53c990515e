using Gearbox;
using Gearbox.Bench;
using Gearbox.Contracts.Serving;
using Gearbox.Data;
using Gearbox.Models;
using Gearbox.Serving;

if (BenchOptions.WantsHelp(args))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

try
{
    var options = BenchOptions.Parse(args);
    var paths = GearboxPaths.Default();
    var pipeline = PipelineCatalog.Load().Get(options.Pipeline);
    if (options.Trace is not null) return await TraceRuns.RunAsync(options, pipeline, paths);
    if (options.ScaleOut is not null) return await ScaleOutRuns.RunAsync(options, pipeline, paths);
    if (!options.EngineOnly && await ClusterDevices.DescribeAsync(options.Target) is { } devices) Console.WriteLine(devices);
    if (options.ValidatePlan || options.Phases is not null) return await GearRuns.RunAsync(options, pipeline, paths);
    var scoredAs = pipeline.Stages[0].Kind == StageKind.TileSplit ? "tiles" : "images";
    var images = BenchImages.Load(paths, pipeline.InputSide, options.Images, options.SloMs);
    Console.WriteLine($"{images.Count} test images ({images.Side}x{images.Side}) from {paths.DatasetFile}");

    List<SweepRun> sweeps = options.EngineOnly ? [] : await ProtocolSweeps.RunAsync(options, images, scoredAs);

    EngineFigures? engineFigures = null;
    if (options.EngineBaseline)
    {
        var cascade = pipeline.Stages[^1];
        var (thresholds, source) = await ResolveThresholdsAsync(options, cascade.Models);
        using var engine = EnginePipeline.Load(pipeline, thresholds, new ModelStore(paths.ModelsDirectory), options.Device, options.EngineThreads);
        // Paced at the sweep's lowest rate, so the low-rate overhead sets cold beside cold (at a low rate the engine idles too).
        var pacedRate = sweeps.Count > 0 ? sweeps[0].Steps[0].Rate : 0;
        var figures = engineFigures = await EngineBaseline.RunAsync(engine, images, options.EngineSamples, options.EngineBatch, options.EngineItems, pacedRate, options.Seed);
        Report.Engine(figures, engine, source, scoredAs);
        foreach (var sweep in sweeps.Where(s => s.Run == 1))
        {
            var runs = sweep.Steps.Select(s => s.Http).ToArray();
            var lowest = runs[0];
            Console.WriteLine();
            Console.WriteLine($"--- {sweep.Protocol.ToString().ToUpperInvariant()} beside the engine alone" + (options.Runs > 1 ? " (run 1)" : ""));
            Report.SideBySide(lowest, SweepPeak.Find(runs), SweepPeak.Saturated(runs), figures, await EngineBaseline.ScoreAsync(engine, images, lowest.AnsweredImages, options.EngineBatch));
        }
    }
    var comparisons = sweeps.Select(s => ProtocolComparison.From(s, engineFigures)).ToArray();
    if (comparisons.Length > 1 || (comparisons.Length == 1 && engineFigures is not null)) Report.Protocols(comparisons, engineFigures);
    var spreads = options.Protocols.Select(p => SpreadJson.From(p, comparisons.Where(c => c.Protocol == p).ToArray())).ToArray();
    if (options.Runs > 1 && comparisons.Length > 0) Report.Repeats(comparisons, options.Protocols);
    if (options.JsonPath is { } jsonPath)
        BenchJson.Write(jsonPath, new SweepJson("sweep", DateTimeOffset.UtcNow, options.Target.ToString(), options.GrpcTarget!.ToString(), options.Pipeline,
            options.SloMs, options.DurationSeconds, options.Runs,
            engineFigures is null ? null : EngineJson.From(engineFigures),
            comparisons.Select(ProtocolJson.From).ToArray(), comparisons.Length == 0 ? [] : spreads));
    return 0;
}
catch (Exception e) when (e is BenchUsageException or GearControlException or DatasetFileException or ModelLoadException or FileNotFoundException or InvalidDataException or KeyNotFoundException or UriFormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static async Task<(double[] Thresholds, string Source)> ResolveThresholdsAsync(BenchOptions options, string[] cascade)
{
    var needed = cascade.Length - 1;
    if (options.Thresholds is { } given) return (given, "from --thresholds");
    if (needed == 0) return ([], "single model");
    if (!options.EngineOnly && await GatewayThresholds.TryFetchAsync(options.Target, options.Pipeline, cascade) is { } served)
        return (served, "as served by the gateway");
    throw new BenchUsageException(
        $"The engine baseline needs the cascade's {needed} thresholds to do the same work as the gateway: pass --thresholds a,b" +
        (options.EngineOnly ? "." : $" (the gateway's GET /v1/pipelines/{options.Pipeline} did not give them)."));
}
