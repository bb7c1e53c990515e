using Gearbox.Inference;
using Gearbox.Models;

namespace Gearbox.Tests.Serving;

/// <summary>The cascade computed straight through the engines, item by item: what the grains must reproduce.</summary>
public sealed class OfflineCascade : IDisposable
{
    private readonly InferenceEngine[] _engines;

    public OfflineCascade(ModelStore store, IEnumerable<string> models) =>
        _engines = models.Select(m => InferenceEngine.Load(store, ModelZoo.Get(m))).ToArray();

    public (int Label, string Model) Answer(float[] image, double[] thresholds)
    {
        for (var m = 0; m < _engines.Length; m++)
        {
            var output = _engines[m].Infer(image, 1);
            if (m == _engines.Length - 1 || output.Confidence[0] >= thresholds[m]) return (output.Labels[0], _engines[m].Spec.Name);
        }
        throw new InvalidOperationException("unreachable");
    }

    public InferenceOutput Run(string model, float[] inputs, int count) =>
        _engines.Single(e => e.Spec.Name == model).Infer(inputs, count);

    public void Dispose()
    {
        foreach (var engine in _engines) engine.Dispose();
    }
}
