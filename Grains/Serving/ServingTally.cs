using Gearbox.Contracts.Serving;

namespace Gearbox.Serving;

/// <summary>
/// The snapshot counters of a pipeline (requests, items, drops; per stage items, drops and the model
/// that answered). A router counts into one and hands over what it counted with <see cref="Take"/>;
/// the pipeline adds those into its own with <see cref="Add"/>.
/// </summary>
public sealed class ServingTally
{
    private readonly Dictionary<string, (long Items, long Dropped, Dictionary<string, long> AnsweredBy)> _stages = new(StringComparer.Ordinal);

    public long Requests { get; private set; }
    public long Items { get; private set; }
    public long Dropped { get; private set; }

    public void Request(PipelineItem[] items)
    {
        Requests++;
        Items += items.Length;
        foreach (var item in items)
            if (item.Status != ItemStatus.Ok) Dropped++;
    }

    public void StageItems(string stage, int items) => Update(stage, items, 0, null);

    public void Answered(string stage, ItemResult answer)
    {
        if (answer.Status == ItemStatus.Ok) Update(stage, 0, 0, answer.Model);
        else Update(stage, 0, 1, null);
    }

    public StageCounts Stage(string stage) => _stages.TryGetValue(stage, out var s)
        ? new StageCounts(s.Items, s.Dropped, new Dictionary<string, long>(s.AnsweredBy, StringComparer.Ordinal))
        : new StageCounts(0, 0, new Dictionary<string, long>(StringComparer.Ordinal));

    public void Add(ServingCounts counts)
    {
        Requests += counts.Requests;
        Items += counts.Items;
        Dropped += counts.Dropped;
        foreach (var (stage, c) in counts.Stages)
        {
            Update(stage, c.Items, c.Dropped, null);
            foreach (var (model, n) in c.AnsweredBy) Update(stage, 0, 0, model, n);
        }
    }

    /// <summary>Everything counted since the last take (null when nothing was), and starts again from zero.</summary>
    public ServingCounts? Take()
    {
        if (Requests == 0 && _stages.Count == 0) return null;
        var counts = new ServingCounts(Requests, Items, Dropped, _stages.Keys.ToDictionary(s => s, Stage, StringComparer.Ordinal));
        Requests = Items = Dropped = 0;
        _stages.Clear();
        return counts;
    }

    private void Update(string stage, long items, long dropped, string? answeredBy, long answered = 1)
    {
        var s = _stages.TryGetValue(stage, out var found) ? found : (0, 0, new Dictionary<string, long>(StringComparer.Ordinal));
        if (answeredBy is not null) s.AnsweredBy[answeredBy] = s.AnsweredBy.GetValueOrDefault(answeredBy) + answered;
        _stages[stage] = (s.Items + items, s.Dropped + dropped, s.AnsweredBy);
    }
}
