using Gearbox.Contracts.Serving;

namespace Gearbox.Serving;

/// <summary>Builds the route a router runs from a pipeline's definition and its stages' configurations.</summary>
public static class PipelineRoutes
{
    public static PipelineRoute Build(PipelineDefinition pipeline, IReadOnlyDictionary<string, StageConfiguration> configurations, long version) =>
        new(pipeline, pipeline.Stages.Select(stage =>
        {
            var key = StageKey(pipeline.Name, stage.Name);
            var configuration = configurations[stage.Name];
            var workers = stage.Models.Select(model =>
            {
                var replicas = configuration.Models.FirstOrDefault(m => m.Model == model)?.Replicas ?? 0;
                return Enumerable.Range(0, replicas).Select(r => StageConfigurationRules.WorkerKey(key, model, r)).ToArray();
            }).ToArray();
            return new StageRoute(key, stage, configuration, workers);
        }).ToArray(), version);

    public static string StageKey(string pipeline, string stage) => $"{pipeline}/{stage}";
}
