using System.Text.Json.Nodes;
using Gearbox.Tests.Serving;

namespace Gearbox.Tests.Http;

/// <summary>Pipeline files for gateways under test.</summary>
public static class TestPipelines
{
    /// <summary>The declared pipelines with a 500 ms SLO and an accuracy floor the quickly trained test models can hold, so the default plans can be made.</summary>
    public static string WithAchievableFloor()
    {
        var floor = Math.Round(ServingModels.Instance.Profiles.Load("cnn-large").Accuracy - 0.02, 3);
        var json = JsonNode.Parse(File.ReadAllText(Gearbox.Serving.PipelineCatalog.DefaultPath))!;
        foreach (var pipeline in json["pipelines"]!.AsArray())
        {
            pipeline!["defaultSloMs"] = 500;
            pipeline["minAccuracy"] = floor;
        }
        var path = Path.Combine(Foundation.SyntheticData.TempDirectory(), "pipelines.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }
}
