using Gearbox.Contracts.Serving;
using Microsoft.Extensions.Logging;

namespace Gearbox.Serving;

/// <summary>
/// The static configuration each stage starts with, before a gear plan drives it: one replica per
/// model, max batch 32, and thresholds from the validation profiles that keep accuracy within half a
/// point of the largest model (0.9 each where a model has no profile yet).
/// </summary>
public sealed class InitialConfigurations(ModelRuntime runtime, ILogger<InitialConfigurations> logger)
{
    public const double FallbackThreshold = 0.9;

    public StageConfiguration For(PipelineDefinition pipeline, StageDefinition stage)
    {
        var thresholds = Enumerable.Repeat(FallbackThreshold, stage.Models.Length - 1).ToArray();
        var profiles = stage.Models.Select(runtime.Profile).ToArray();
        if (stage.Models.Length > 1 && profiles.All(p => p is not null))
        {
            var choice = ThresholdChooser.Choose(profiles!);
            thresholds = choice.Thresholds;
            logger.LogInformation("{Pipeline}/{Stage}: thresholds [{Thresholds}] give validation accuracy {Accuracy:P2}",
                pipeline.Name, stage.Name, string.Join(", ", thresholds), choice.Accuracy);
        }
        return StageConfigurationRules.Default(stage, thresholds);
    }
}
