using Gearbox.Models;
using static TorchSharp.torch;

namespace Gearbox.Inference;

/// <summary>Turns a network's raw outputs into labels, confidences and tile masks.</summary>
public static class OutputDecoder
{
    public static InferenceOutput Decode(ModelKind kind, Tensor logits, double computeMs)
    {
        using var scope = NewDisposeScope();
        var count = (int)logits.shape[0];
        if (kind == ModelKind.Classifier)
        {
            var (values, indexes) = softmax(logits, 1).max(1);
            // Accessors hold native handles: released here, not by the finalizer.
            using var labelData = indexes.data<long>();
            using var confidenceData = values.data<float>();
            var labels = labelData.Select(i => (int)i).ToArray();
            return new InferenceOutput(labels, confidenceData.ToArray(), null, computeMs);
        }

        using var probabilityData = sigmoid(logits).data<float>();
        var probabilities = probabilityData.ToArray();
        var tiles = (int)logits.shape[1];
        var mask = new bool[count][];
        var occupied = new int[count];
        var confidence = new float[count];
        for (var i = 0; i < count; i++)
        {
            mask[i] = new bool[tiles];
            confidence[i] = 1f;
            for (var t = 0; t < tiles; t++)
            {
                var p = probabilities[i * tiles + t];
                mask[i][t] = p >= 0.5f;
                if (mask[i][t]) occupied[i]++;
                confidence[i] = Math.Min(confidence[i], Math.Max(p, 1 - p));
            }
        }
        return new InferenceOutput(occupied, confidence, mask, computeMs);
    }

    /// <summary>Whether item i of the output matches the truth (a class, or the per-tile 1/0 mask).</summary>
    public static bool IsCorrect(InferenceOutput output, int i, int[] truth) =>
        output.TileMask is null
            ? output.Labels[i] == truth[0]
            : output.TileMask[i].Select(b => b ? 1 : 0).SequenceEqual(truth);
}
