using Gearbox.Contracts.Serving;
using Gearbox.Serving;

namespace Gearbox.Tests.Serving;

/// <summary>The router's pure parts: its route copy and version checks (clock passed in), the route a configuration gives, the counts it hands over.</summary>
public class RouteCacheTests
{
    private static readonly PipelineDefinition Fashion = new("fashion", 28, 500,
        [new StageDefinition("classify", StageKind.Cascade, ["mlp", "cnn-small", "cnn-large"])]);

    private static PipelineRoute Route(long version, int mlpReplicas = 1) => PipelineRoutes.Build(Fashion, new Dictionary<string, StageConfiguration>
    {
        ["classify"] = new([0.9, 0.8], [new ModelProvision("mlp", mlpReplicas, 8), new ModelProvision("cnn-small", 0, 8), new ModelProvision("cnn-large", 2, 4, 2)]),
    }, version);

    [Fact]
    public void An_empty_cache_needs_a_check_and_is_stale_for_any_version()
    {
        var cache = new RouteCache(100);
        Assert.True(cache.NeedsCheck(0));
        Assert.True(cache.IsStale(0));
        Assert.Null(cache.Current);
    }

    [Fact]
    public void The_version_is_checked_at_most_once_per_period()
    {
        var cache = new RouteCache(100);
        cache.Offer(Route(1));
        cache.Checking(1_000);
        Assert.False(cache.NeedsCheck(1_000));
        Assert.False(cache.NeedsCheck(1_099.9));
        Assert.True(cache.NeedsCheck(1_100));
        cache.Checking(1_100);
        Assert.False(cache.NeedsCheck(1_150));
    }

    [Fact]
    public void Only_a_newer_version_replaces_the_route()
    {
        var cache = new RouteCache(100);
        var first = Route(3);
        Assert.Same(first, cache.Offer(first));
        Assert.False(cache.IsStale(3));
        Assert.False(cache.IsStale(2));
        Assert.True(cache.IsStale(4));

        Assert.Same(first, cache.Offer(Route(2, mlpReplicas: 5))); // an older answer arriving late does not roll it back
        Assert.Same(first, cache.Offer(Route(3, mlpReplicas: 5)));
        var newer = Route(4, mlpReplicas: 2);
        Assert.Same(newer, cache.Offer(newer));
        Assert.Equal(2, cache.Current!.Stages[0].Workers[0].Length);
    }

    [Fact]
    public void A_route_names_each_models_workers_in_definition_order()
    {
        var stage = Route(7, mlpReplicas: 2).Stages[0];
        Assert.Equal("fashion/classify", stage.Key);
        Assert.Equal(["fashion/classify/mlp/0", "fashion/classify/mlp/1"], stage.Workers[0]);
        Assert.Empty(stage.Workers[1]);
        Assert.Equal(["fashion/classify/cnn-large/0", "fashion/classify/cnn-large/1"], stage.Workers[2]);
        Assert.Equal([0.9, 0.8], stage.Configuration.Thresholds);
    }

    [Fact]
    public void A_tally_hands_over_what_it_counted_once_and_adds_up_hand_overs()
    {
        var router = new ServingTally();
        Assert.Null(router.Take());
        router.StageItems("classify", 3);
        router.Answered("classify", new ItemResult(ItemStatus.Ok, 1, 0.9f, "mlp"));
        router.Answered("classify", new ItemResult(ItemStatus.Ok, 2, 0.9f, "cnn-large"));
        router.Answered("classify", ItemResult.Dropped("mlp"));
        router.Request([new PipelineItem(ItemStatus.Ok, [1], [0.9f], ["mlp"]), new PipelineItem(ItemStatus.Ok, [2], [0.9f], ["cnn-large"]),
            new PipelineItem(ItemStatus.DeadlineExceeded, [-1], [0], [""])]);

        var counts = router.Take()!;
        Assert.Null(router.Take());
        var pipeline = new ServingTally();
        pipeline.Add(counts);
        pipeline.Add(counts);

        Assert.Equal((2, 6, 2), (pipeline.Requests, pipeline.Items, pipeline.Dropped));
        var stage = pipeline.Stage("classify");
        Assert.Equal((6, 2), (stage.Items, stage.Dropped));
        Assert.Equal(2, stage.AnsweredBy["mlp"]);
        Assert.Equal(2, stage.AnsweredBy["cnn-large"]);
        Assert.Equal(0, pipeline.Stage("tiles").Items);
    }
}
