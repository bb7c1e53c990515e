using System.Diagnostics;
using Gearbox.Contracts.Serving;

namespace Gearbox.Bench;

/// <summary>The engine's own figures, measured in this run.</summary>
/// <param name="SingleImage">One image at a time, back to back: the engine thread and the caches stay hot.</param>
/// <param name="Paced">One image at a time at <paramref name="PacedRate"/> Poisson arrivals (the sweep's lowest rate), so the
/// engine idles between images as the served path does at that rate; null when no rate was given.</param>
public sealed record EngineFigures(LatencyStats SingleImage, double MaxThroughput, int Batch, int Concurrency, int ThroughputItems, AccuracyScore Accuracy,
    LatencyStats? Paced = null, double PacedRate = 0);

/// <summary>
/// Measures the in-process pipeline: the latency of one image at a time (no queueing: the low-load
/// floor) and the most images per second it sustains with batches, several batches in flight so each
/// model's engine thread stays busy. Images go in as the served path's workers take them: views of one
/// UINT8 batch, each item copied once into the engine's input tensor. With a paced rate, also one image
/// at a time at that rate's Poisson arrivals: at a low rate the engine thread sleeps and the caches go
/// cold between images, as they do on the served path, so that is the figure to set the served path's
/// low-rate latency beside.
/// </summary>
public static class EngineBaseline
{
    /// <summary>At most this long is spent on the paced runs (fewer than <c>samples</c> images at a low rate).</summary>
    public const double PacedSeconds = 10;

    public static async Task<EngineFigures> RunAsync(EnginePipeline engine, BenchImages images, int samples, int batch, int items, double pacedRate = 0, int seed = 1)
    {
        for (var k = 0; k < 20; k++) await engine.RunAsync(Slice(images, k, 1)); // warm up (JIT, allocator)
        await engine.RunAsync(Slice(images, 0, batch));

        var backToBack = await SingleImagesAsync(engine, images, new double[samples]);

        // One batch in flight per engine, so a cascade's models overlap as they would in a served pipeline.
        var concurrency = Math.Max(1, engine.Engines.Count);
        var batches = (items + batch - 1) / batch;
        var next = -1;
        var accuracy = new AccuracyScore();
        var gate = new object();
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            await Task.Yield();
            for (var b = Interlocked.Increment(ref next); b < batches; b = Interlocked.Increment(ref next))
            {
                var start = b * batch;
                var count = Math.Min(batch, items - start);
                var labels = await engine.RunAsync(Slice(images, start, count));
                lock (gate)
                {
                    for (var i = 0; i < count; i++) accuracy.Add(labels[i], images.Truths[(start + i) % images.Count]);
                }
            }
        }));
        var throughput = items / total.Elapsed.TotalSeconds;
        var paced = pacedRate > 0 ? await PacedAsync(engine, images, samples, pacedRate, seed) : null;
        return new EngineFigures(backToBack, throughput, batch, concurrency, items, accuracy, paced, pacedRate);
    }

    private static Task<LatencyStats> PacedAsync(EnginePipeline engine, BenchImages images, int samples, double rate, int seed) =>
        SingleImagesAsync(engine, images, PoissonSchedule.OffsetsMs(rate, PacedSeconds, Math.Max(samples, 20), seed));

    /// <summary>
    /// One image at a time, each started at its offset from the first (ms; all zero: back to back). A late one
    /// starts at once; none overlap at the low rates the paced run is for.
    /// </summary>
    private static async Task<LatencyStats> SingleImagesAsync(EnginePipeline engine, BenchImages images, double[] offsetsMs)
    {
        var latencies = new double[offsetsMs.Length];
        var start = Stopwatch.StartNew();
        for (var k = 0; k < offsetsMs.Length; k++)
        {
            var wait = offsetsMs[k] - start.Elapsed.TotalMilliseconds;
            if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait));
            var input = Slice(images, k, 1);
            var clock = Stopwatch.StartNew();
            await engine.RunAsync(input);
            latencies[k] = clock.Elapsed.TotalMilliseconds;
        }
        return new LatencyStats(latencies);
    }

    /// <summary>The engine's accuracy on exactly the given images (e.g. those the HTTP run had answered), run in batches.</summary>
    public static async Task<AccuracyScore> ScoreAsync(EnginePipeline engine, BenchImages images, IReadOnlyList<int> indices, int batch)
    {
        var accuracy = new AccuracyScore();
        for (var start = 0; start < indices.Count; start += batch)
        {
            var chunk = indices.Skip(start).Take(batch).ToArray();
            var labels = await engine.RunAsync(images.Batch.Select(chunk));
            for (var k = 0; k < chunk.Length; k++) accuracy.Add(labels[k], images.Truths[chunk[k]]);
        }
        return accuracy;
    }

    private static ImageBatch Slice(BenchImages images, int start, int count) =>
        images.Batch.Select(Enumerable.Range(start, count).Select(i => i % images.Count).ToArray());
}
