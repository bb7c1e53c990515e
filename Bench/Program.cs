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
    if (!options.EngineOnly && await ClusterDevices.DescribeAsync(options.Target) is { } devices) Console.WriteLine(devices);
    if (options.ValidatePlan || options.Phases is not null) return await GearRuns.RunAsync(options, pipeline, paths);
    var scoredAs = pipeline.Stages[0].Kind == StageKind.TileSplit ? "tiles" : "images";
    var images = BenchImages.Load(paths, pipeline.InputSide, options.Images, options.SloMs);
    Console.WriteLine($"{images.Count} test images ({images.Side}x{images.Side}) from {paths.DatasetFile}");

    var runs = new List<HttpFigures>();
    if (!options.EngineOnly)
    {
        using var run = new HttpLoadRun(options.Target, options.Pipeline, images, TimeSpan.FromSeconds(options.TimeoutSeconds));
        await GatewayCheck.WarmUpAsync(run, options);
        foreach (var rate in options.Rates)
        {
            if (runs.Count > 0) await Task.Delay(TimeSpan.FromSeconds(2)); // let the previous run's backlog clear
            var schedule = PoissonSchedule.OffsetsMs(rate, options.DurationSeconds, options.MaxRequests, options.Seed);
            Console.WriteLine($"sending {schedule.Length} requests over {options.DurationSeconds} s at {rate}/s ...");
            var figures = HttpFigures.From(await run.RunAsync(schedule), images, options.DurationSeconds, options.SloMs);
            Report.Http(figures, options, rate, scoredAs);
            runs.Add(figures);
        }
        if (runs.Count > 1) Report.Sweep(runs, options.SloMs);
    }

    if (options.EngineBaseline)
    {
        var cascade = pipeline.Stages[^1];
        var (thresholds, source) = await ResolveThresholdsAsync(options, cascade.Models);
        using var engine = EnginePipeline.Load(pipeline, thresholds, new ModelStore(paths.ModelsDirectory), options.Device, options.EngineThreads);
        var figures = await EngineBaseline.RunAsync(engine, images, options.EngineSamples, options.EngineBatch, options.EngineItems);
        Report.Engine(figures, engine, source, scoredAs);
        if (runs.Count > 0)
        {
            var lowest = runs[0];
            Report.SideBySide(lowest, SweepPeak.Find(runs), SweepPeak.Saturated(runs), figures, await EngineBaseline.ScoreAsync(engine, images, lowest.AnsweredImages, options.EngineBatch));
        }
    }
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
