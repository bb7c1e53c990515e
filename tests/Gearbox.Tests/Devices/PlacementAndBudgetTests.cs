using Gearbox.Contracts.Cluster;
using Gearbox.Devices;

namespace Gearbox.Tests.Devices;

/// <summary>The pure parts of device placement and the device budget: device announcements, slot choice, budget from live silos.</summary>
public class PlacementAndBudgetTests
{
    private static (string Silo, string Address, IReadOnlyList<DeviceInfo> Devices) Silo(string name, params DeviceInfo[] devices) => (name, name, devices);

    private static DeviceInfo Emulated(int n) => new("emulated", n, true, "v100-bert");

    [Fact]
    public void Announcements_round_trip_and_a_malformed_entry_announces_nothing()
    {
        var devices = DeviceAnnouncement.Of(2, 1, new DeviceOptions { Emulate = 4, EmulatedProfile = "v100-bert", Slowdown = 5 });
        var encoded = DeviceAnnouncement.Encode(devices);
        Assert.Equal("cpu=2;cuda=1;emulated=4@v100-bert*5", encoded);
        Assert.Equal(devices, DeviceAnnouncement.Decode(encoded));
        Assert.Equal("emulated", DeviceAnnouncement.ServingKind(devices));
        Assert.Equal("cpu", DeviceAnnouncement.ServingKind(DeviceAnnouncement.Of(2, 0, new DeviceOptions())));
        Assert.Empty(DeviceAnnouncement.Decode(null));
        Assert.Empty(DeviceAnnouncement.Decode("cpu=two;=3;emulated"));
    }

    [Fact]
    public void A_models_replicas_alternate_between_silos_and_fill_each_silos_devices()
    {
        var silos = new[] { Silo("10.0.0.2:11111", Emulated(2)), Silo("10.0.0.1:11111", Emulated(2)) };
        var chosen = Enumerable.Range(0, 4).Select(r => PlacementChoice.Choose(silos, "emulated", $"fashion/classify/cnn-large/{r}")).ToArray();
        for (var r = 1; r < chosen.Length; r++) Assert.NotEqual(chosen[r - 1], chosen[r]);
        Assert.Equal(2, chosen.Count(c => c == "10.0.0.1:11111"));
        Assert.Equal(2, chosen.Count(c => c == "10.0.0.2:11111"));
        // Same answer whichever order the silos come in (every silo's director agrees).
        Assert.Equal(chosen, Enumerable.Range(0, 4).Select(r => PlacementChoice.Choose(silos.Reverse().ToArray(), "emulated", $"fashion/classify/cnn-large/{r}")));
    }

    [Fact]
    public void Silos_get_workers_in_proportion_to_their_devices_and_none_without_devices_of_the_kind()
    {
        var silos = new[] { Silo("a", Emulated(3)), Silo("b", Emulated(1)), Silo("gateway", new DeviceInfo("cpu", 2)) };
        var chosen = Enumerable.Range(0, 8).Select(r => PlacementChoice.Choose(silos, "emulated", $"p/s/m/{r}")).ToArray();
        Assert.Equal(6, chosen.Count(c => c == "a"));
        Assert.Equal(2, chosen.Count(c => c == "b"));
        Assert.DoesNotContain("gateway", chosen);
        // No silo announced the kind (an older silo, or metadata not read yet): spread over all of them.
        var unknown = new[] { Silo("a"), Silo("b") };
        Assert.Equal(2, Enumerable.Range(0, 2).Select(r => PlacementChoice.Choose(unknown, "cpu", $"p/s/m/{r}")).Distinct().Count());
    }

    [Fact]
    public void A_stages_models_spread_over_the_silos_whatever_their_names_hash_to()
    {
        // The names that collided: FNV-1a of fashion/classify/{mlp,cnn-small,cnn-large} mod 4 took one slot.
        var silos = new[] { Silo("10.0.0.1:11111", Emulated(2)), Silo("10.0.0.2:11111", Emulated(2)) };
        string[] models = ["mlp", "cnn-small", "cnn-large"];
        (int, int)? Ordinal(string stage, string model) => stage == "fashion/classify" ? (Array.IndexOf(models, model), models.Length) : null;

        var first = models.Select(m => PlacementChoice.Choose(silos, "emulated", $"fashion/classify/{m}/0", Ordinal)).ToArray();
        var all = models.SelectMany(m => Enumerable.Range(0, 2).Select(r => PlacementChoice.Choose(silos, "emulated", $"fashion/classify/{m}/{r}", Ordinal))).ToArray();

        Assert.Equal(2, first.Distinct().Count());                 // three models, both silos
        Assert.Equal(3, all.Count(a => a == "10.0.0.1:11111"));    // six workers on four devices: three each
        Assert.Equal(first, models.Select(m => PlacementChoice.Choose(silos.Reverse().ToArray(), "emulated", $"fashion/classify/{m}/0", Ordinal)));
        var three = silos.Append(Silo("10.0.0.3:11111", Emulated(2))).ToArray();
        Assert.Equal(3, models.Select(m => PlacementChoice.Choose(three, "emulated", $"fashion/classify/{m}/0", Ordinal)).Distinct().Count());
    }

    [Fact]
    public void The_hash_is_stable_across_processes()
    {
        Assert.Equal(0xaf63dc4c8601ec8cUL, PlacementChoice.StableHash("a")); // FNV-1a's published value for "a"
    }

    [Fact]
    public void The_budget_is_the_live_silos_devices_of_the_serving_kind_unless_overridden()
    {
        IReadOnlyList<DeviceInfo>[] live = [[new("cpu", 2), Emulated(2)], [new("cpu", 2), Emulated(3)], []];
        Assert.Equal(5, DeviceBudget.Of(live, "emulated", configured: 0, fallback: 2));
        Assert.Equal(4, DeviceBudget.Of(live, "cpu", configured: 0, fallback: 2));
        Assert.Equal(8, DeviceBudget.Of(live, "emulated", configured: 8, fallback: 2));
        Assert.Equal(2, DeviceBudget.Of([[]], "emulated", configured: 0, fallback: 2));
    }

    [Fact]
    public void A_plan_made_for_the_old_budget_is_made_again_and_one_asked_for_by_hand_is_not()
    {
        Assert.True(DeviceBudget.Replan(plannedFor: 4, previous: 4, now: 6)); // a silo joined
        Assert.True(DeviceBudget.Replan(plannedFor: 4, previous: 4, now: 2)); // a silo left
        Assert.False(DeviceBudget.Replan(plannedFor: 4, previous: 4, now: 4));
        Assert.False(DeviceBudget.Replan(plannedFor: 8, previous: 4, now: 6)); // a plan for 8 devices asked for by hand
        Assert.False(DeviceBudget.Replan(plannedFor: null, previous: 4, now: 6));
    }
}
