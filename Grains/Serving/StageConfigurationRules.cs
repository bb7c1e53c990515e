using Gearbox.Contracts.Serving;
using Gearbox.Models;

namespace Gearbox.Serving;

/// <summary>Checks a stage configuration against its definition, and names the worker grains it implies.</summary>
public static class StageConfigurationRules
{
    public const int MaxReplicas = 64;
    public const int MaxBatchLimit = 1024;

    public static void Validate(StageDefinition stage, StageConfiguration configuration)
    {
        var models = stage.Models;
        if (configuration.Thresholds.Length != models.Length - 1)
            throw new ArgumentException($"Stage '{stage.Name}' has {models.Length} models and needs {models.Length - 1} thresholds, not {configuration.Thresholds.Length}.");
        if (configuration.Thresholds.Any(t => double.IsNaN(t) || t < 0 || t > 1))
            throw new ArgumentException("Thresholds must be in [0, 1].");
        foreach (var model in models)
        {
            var provision = configuration.Models.FirstOrDefault(m => m.Model == model)
                ?? throw new ArgumentException($"Stage '{stage.Name}' has no provision for model '{model}'.");
            if (provision.Replicas is < 0 or > MaxReplicas || provision.MaxBatch is < 1 or > MaxBatchLimit)
                throw new ArgumentException($"Model '{model}': replicas must be 0..{MaxReplicas} and max batch 1..{MaxBatchLimit}.");
        }
        // A gear may give a model no replicas when its thresholds send it nothing; the stage skips it.
        if (configuration.Models.All(m => m.Replicas == 0))
            throw new ArgumentException($"Stage '{stage.Name}' needs at least one replica of some model.");
        var extra = configuration.Models.FirstOrDefault(m => !models.Contains(m.Model));
        if (extra is not null) throw new ArgumentException($"Stage '{stage.Name}' has no model '{extra.Model}'.");
    }

    public static string WorkerKey(string stageKey, string model, int replica) => $"{stageKey}/{model}/{replica}";

    /// <summary>The stage key ("{pipeline}/{stage}") of a worker key made by <see cref="WorkerKey"/>, or null for any other key.</summary>
    public static string? StageKeyOf(string workerKey)
    {
        var replicaAt = workerKey.LastIndexOf('/');
        var modelAt = replicaAt > 0 ? workerKey.LastIndexOf('/', replicaAt - 1) : -1;
        if (modelAt <= 0 || modelAt + 1 == replicaAt || !int.TryParse(workerKey.AsSpan(replicaAt + 1), out var replica) || replica < 0)
            return null;
        var stageKey = workerKey[..modelAt];
        return stageKey.Contains('/') ? stageKey : null;
    }

    public static StageConfiguration Default(StageDefinition stage, double[] thresholds, int maxBatch = 32) => new(
        thresholds,
        stage.Models.Select(m => new ModelProvision(m, 1, Math.Min(maxBatch, ModelZoo.Get(m).Kind == ModelKind.TileDetector ? 16 : maxBatch))).ToArray());
}
