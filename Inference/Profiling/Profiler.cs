using Gearbox.Contracts.Profiles;
using Gearbox.Inference;
using Gearbox.Models;

namespace Gearbox.Profiling;

/// <summary>Measures a loaded engine: latency per batch size, and per validation item confidence and correctness.</summary>
public static class Profiler
{
    public static readonly int[] DefaultBatchSizes = [1, 2, 4, 8, 16, 32, 64, 128];

    public static IReadOnlyList<LatencyPoint> MeasureLatency(
        InferenceEngine engine, float[] pool, int poolCount, IReadOnlyList<int> batchSizes, int warmup, int repetitions,
        IProgress<string>? progress = null)
    {
        var points = new List<LatencyPoint>();
        var size = engine.Spec.InputSize;
        foreach (var batch in batchSizes)
        {
            var inputs = new float[batch * size];
            for (var i = 0; i < batch; i++) Array.Copy(pool, i % poolCount * size, inputs, i * size, size);
            for (var w = 0; w < warmup; w++) engine.Infer(inputs, batch);
            var samples = new double[repetitions];
            for (var r = 0; r < repetitions; r++) samples[r] = engine.Infer(inputs, batch).ComputeMs;
            Array.Sort(samples);
            var point = new LatencyPoint(batch, Percentile(samples, 0.5), Percentile(samples, 0.95), repetitions);
            points.Add(point);
            progress?.Report($"{engine.Spec.Name} batch {batch,4}: median {point.MedianMs,8:F3} ms  p95 {point.P95Ms,8:F3} ms");
        }
        return points;
    }

    public static (float[] Confidence, bool[] Correct, int[]? FanOut) MeasureValidation(InferenceEngine engine, TrainingData validation)
    {
        var confidence = new float[validation.Count];
        var correct = new bool[validation.Count];
        int[]? fanOut = engine.Spec.Kind == ModelKind.TileDetector ? new int[validation.Count] : null;
        for (var start = 0; start < validation.Count; start += 250)
        {
            var batch = Enumerable.Range(start, Math.Min(250, validation.Count - start)).ToArray();
            var output = engine.Infer(validation.Inputs(batch), batch.Length);
            for (var i = 0; i < batch.Length; i++)
            {
                confidence[start + i] = output.Confidence[i];
                correct[start + i] = OutputDecoder.IsCorrect(output, i, validation.Truth(batch[i]));
                if (fanOut is not null) fanOut[start + i] = output.Labels[i];
            }
        }
        return (confidence, correct, fanOut);
    }

    /// <summary>Nearest-rank percentile of sorted samples.</summary>
    public static double Percentile(double[] sorted, double q)
    {
        if (sorted.Length == 0) return 0;
        var rank = (int)Math.Ceiling(q * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
