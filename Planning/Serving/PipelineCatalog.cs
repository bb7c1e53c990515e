using System.Text.Json;
using System.Text.Json.Serialization;
using Gearbox.Contracts.Serving;
using Gearbox.Models;

namespace Gearbox.Serving;

/// <summary>
/// The pipelines this deployment serves, read from a JSON file (default: pipelines.json beside the
/// binaries), plus one single-model pipeline per model of the zoo so each model can be called alone.
/// </summary>
public sealed class PipelineCatalog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly Dictionary<string, PipelineDefinition> _pipelines;

    public PipelineCatalog(IEnumerable<PipelineDefinition> declared)
    {
        _pipelines = new Dictionary<string, PipelineDefinition>(StringComparer.Ordinal);
        foreach (var pipeline in declared) Add(Validate(pipeline), isDeclared: true);
        foreach (var model in ModelZoo.All)
        {
            if (_pipelines.ContainsKey(model.Name)) continue;
            var kind = model.Kind == ModelKind.Classifier ? StageKind.Cascade : StageKind.TileSplit;
            Add(new PipelineDefinition(model.Name, model.InputSide, 50, [new StageDefinition("model", kind, [model.Name])],
                $"The model '{model.Name}' alone."), isDeclared: false);
        }
    }

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "pipelines.json");

    public IReadOnlyCollection<PipelineDefinition> All => _pipelines.Values;
    public IReadOnlyList<PipelineDefinition> Declared { get; private set; } = [];

    public bool TryGet(string name, out PipelineDefinition pipeline) => _pipelines.TryGetValue(name, out pipeline!);

    public PipelineDefinition Get(string name) =>
        TryGet(name, out var pipeline) ? pipeline : throw new KeyNotFoundException($"Unknown pipeline or model '{name}'.");

    public static PipelineCatalog Load(string? path = null)
    {
        path ??= DefaultPath;
        if (!File.Exists(path)) throw new FileNotFoundException($"Pipeline file '{path}' is missing.", path);
        var file = JsonSerializer.Deserialize<PipelineFile>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException($"Pipeline file '{path}' is empty.");
        return new PipelineCatalog(file.Pipelines ?? []);
    }

    private void Add(PipelineDefinition pipeline, bool isDeclared)
    {
        if (!_pipelines.TryAdd(pipeline.Name, pipeline))
            throw new InvalidDataException($"Pipeline '{pipeline.Name}' is declared twice.");
        if (isDeclared) Declared = [.. Declared, pipeline];
    }

    private static PipelineDefinition Validate(PipelineDefinition p)
    {
        string? problem =
            string.IsNullOrWhiteSpace(p.Name) ? "has no name" :
            p.Stages is null || p.Stages.Length == 0 ? "has no stages" :
            p.DefaultSloMs <= 0 ? "needs a positive defaultSloMs" :
            !(p.MinAccuracy is >= 0 and <= 1) ? $"has minAccuracy {p.MinAccuracy}; it must be in [0, 1]" :
            null;
        if (problem is null)
        {
            foreach (var stage in p.Stages!)
            {
                if (stage.Models is null || stage.Models.Length == 0) { problem = $"stage '{stage.Name}' has no models"; break; }
                var unknown = stage.Models.FirstOrDefault(m => !ModelZoo.TryGet(m, out _));
                if (unknown is not null) { problem = $"stage '{stage.Name}' names unknown model '{unknown}'"; break; }
                if (stage.Kind == StageKind.TileSplit && stage.Models.Length != 1) { problem = $"stage '{stage.Name}' splits tiles with one model only"; break; }
            }
        }
        var shape = string.Join(",", p.Stages!.Select(st => st.Kind));
        if (problem is null && shape is not ("Cascade" or "TileSplit" or "TileSplit,Cascade"))
            problem = $"has stages [{shape}]; supported: [Cascade], [TileSplit], [TileSplit, Cascade]";
        if (problem is null && ModelZoo.Get(p.Stages![0].Models[0]).InputSide != p.InputSide)
            problem = $"has inputSide {p.InputSide}, which its first model does not take";
        return problem is null ? p : throw new InvalidDataException($"Pipeline '{p.Name}' {problem}.");
    }

    private sealed record PipelineFile(PipelineDefinition[]? Pipelines);
}
