using System.Diagnostics;
using Gearbox.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Gearbox.Models;

public sealed record TrainingProgress(string Model, int Epoch, int Epochs, int Done, int Total, double Loss);

/// <summary>Trains one model of the zoo with Adam, deterministically from a seed.</summary>
public static class Trainer
{
    public const int BatchSize = 128;

    public static (nn.Module<Tensor, Tensor> Module, ModelMetadata Metadata) Train(
        ModelSpec spec, TrainingData train, TrainingData test, string dataHash,
        int seed, int? epochs = null, IProgress<TrainingProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        random.manual_seed(seed);
        var module = spec.Create();
        var epochCount = epochs ?? spec.Epochs;
        using (var optimizer = optim.Adam(module.parameters(), lr: 2e-3))
        {
            // Halving the step each epoch settles the few epochs we can afford on 2 cores.
            var schedule = optim.lr_scheduler.StepLR(optimizer, step_size: 1, gamma: 0.5);
            var random = new Random(seed);
            var order = Enumerable.Range(0, train.Count).ToArray();
            for (var epoch = 1; epoch <= epochCount; epoch++)
            {
                module.train();
                random.Shuffle(order);
                for (var start = 0; start < order.Length; start += BatchSize)
                {
                    using var scope = NewDisposeScope();
                    var batch = order.AsSpan(start, Math.Min(BatchSize, order.Length - start)).ToArray();
                    var inputs = tensor(train.Inputs(batch), [batch.Length, spec.InputSize]);
                    var logits = module.forward(inputs);
                    var loss = spec.Kind == ModelKind.Classifier
                        ? nn.functional.cross_entropy(logits, tensor(train.Targets(batch)).to_type(ScalarType.Int64))
                        : nn.functional.binary_cross_entropy_with_logits(logits, tensor(train.Targets(batch), [batch.Length, spec.Outputs]));
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    progress?.Report(new TrainingProgress(spec.Name, epoch, epochCount, start + batch.Length, order.Length, loss.item<float>()));
                }
                schedule.step();
            }
        }
        module.eval();
        var accuracy = Evaluate(spec, module, test);
        var metadata = new ModelMetadata(
            spec.Name, spec.Kind.ToString(), spec.InputShape, spec.Outputs,
            spec.Kind == ModelKind.Classifier ? Data.FashionMnist.ClassNames : ["tile0", "tile1", "tile2", "tile3"],
            ArchitectureSignature.Of(module), ArchitectureSignature.ParameterCount(module),
            accuracy, dataHash, seed, epochCount, train.Count, clock.Elapsed.TotalSeconds, DateTimeOffset.UtcNow);
        return (module, metadata);
    }

    /// <summary>Fraction of items the model gets right (for the detector: all four tiles right).</summary>
    public static double Evaluate(ModelSpec spec, nn.Module<Tensor, Tensor> module, TrainingData data)
    {
        module.eval();
        var correct = 0;
        using var noGrad = no_grad();
        for (var start = 0; start < data.Count; start += 500)
        {
            using var scope = NewDisposeScope();
            var batch = Enumerable.Range(start, Math.Min(500, data.Count - start)).ToArray();
            var output = OutputDecoder.Decode(spec.Kind, module.forward(tensor(data.Inputs(batch), [batch.Length, spec.InputSize])), 0);
            for (var i = 0; i < batch.Length; i++)
                if (OutputDecoder.IsCorrect(output, i, data.Truth(batch[i]))) correct++;
        }
        return data.Count == 0 ? 0 : (double)correct / data.Count;
    }
}
