using Gearbox.Contracts.Serving;
using Gearbox.Data;
using Gearbox.Inference;
using Gearbox.Models;

namespace Gearbox.Bench;

/// <summary>
/// A pipeline run straight on InferenceEngines in this process, no Orleans and no HTTP: the baseline
/// the gateway's overhead is measured against. It does the same work as the served pipeline: the
/// cascade with the given thresholds (model i answers when its top-1 probability ≥ threshold i, the
/// last always answers) and, for grids, the tile detector first, then the cascade on occupied tiles.
/// </summary>
public sealed class EnginePipeline : IDisposable
{
    private readonly PipelineDefinition _pipeline;
    private readonly Dictionary<string, InferenceEngine> _engines;

    private EnginePipeline(PipelineDefinition pipeline, double[] thresholds, Dictionary<string, InferenceEngine> engines)
    {
        _pipeline = pipeline;
        Thresholds = thresholds;
        _engines = engines;
    }

    public double[] Thresholds { get; }
    public IReadOnlyCollection<InferenceEngine> Engines => _engines.Values;
    public StageDefinition Cascade => _pipeline.Stages[^1];

    public static EnginePipeline Load(PipelineDefinition pipeline, double[] thresholds, ModelStore store, string? device, int threads)
    {
        var cascade = pipeline.Stages[^1];
        if (cascade.Kind != StageKind.Cascade)
            throw new InvalidDataException($"Pipeline '{pipeline.Name}' does not end in a classifier cascade; the bench scores class labels only.");
        if (thresholds.Length != cascade.Models.Length - 1)
            throw new InvalidDataException($"The cascade {string.Join("→", cascade.Models)} needs {cascade.Models.Length - 1} thresholds, not {thresholds.Length}.");
        var engines = new Dictionary<string, InferenceEngine>();
        try
        {
            foreach (var model in pipeline.Stages.SelectMany(s => s.Models).Distinct())
                engines[model] = InferenceEngine.Load(store, ModelZoo.Get(model), device, threads);
        }
        catch
        {
            foreach (var engine in engines.Values) engine.Dispose();
            throw;
        }
        return new EnginePipeline(pipeline, thresholds, engines);
    }

    /// <summary>Labels per item: one for a classifier pipeline, one per tile (-1 when empty) for a grid.</summary>
    public async Task<int[][]> RunAsync(ImageBatch items)
    {
        var first = _pipeline.Stages[0];
        if (first.Kind == StageKind.Cascade)
            return (await RunCascadeAsync(items)).Select(label => new[] { label }).ToArray();

        var detection = await _engines[first.Models[0]].InferAsync(items);
        var labels = new int[items.Count][];
        var owners = new List<(int Grid, int Tile)>();
        for (var i = 0; i < items.Count; i++)
        {
            labels[i] = Enumerable.Repeat(-1, GridImages.Tiles).ToArray();
            for (var t = 0; t < GridImages.Tiles; t++)
                if (detection.TileMask![i][t]) owners.Add((i, t));
        }
        if (owners.Count == 0) return labels;
        var classes = await RunCascadeAsync(GridImages.CutTiles(items, owners));
        for (var k = 0; k < owners.Count; k++) labels[owners[k].Grid][owners[k].Tile] = classes[k];
        return labels;
    }

    /// <summary>The cascade as the served path runs it: each model gets a view of the items still open (same buffer).</summary>
    private async Task<int[]> RunCascadeAsync(ImageBatch items)
    {
        var labels = new int[items.Count];
        var pending = Enumerable.Range(0, items.Count).ToList();
        var models = Cascade.Models;
        for (var m = 0; m < models.Length && pending.Count > 0; m++)
        {
            var output = await _engines[models[m]].InferAsync(pending.Count == items.Count ? items : items.Select(pending));
            var last = m == models.Length - 1;
            var unsure = new List<int>();
            for (var k = 0; k < pending.Count; k++)
            {
                if (last || output.Confidence[k] >= Thresholds[m]) labels[pending[k]] = output.Labels[k];
                else unsure.Add(pending[k]);
            }
            pending = unsure;
        }
        return labels;
    }

    public void Dispose()
    {
        foreach (var engine in _engines.Values) engine.Dispose();
    }
}
