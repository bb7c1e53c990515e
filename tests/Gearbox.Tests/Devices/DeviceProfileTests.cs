using Gearbox.Devices;
using Gearbox.Tests.Planning;
using Microsoft.Extensions.Configuration;

namespace Gearbox.Tests.Devices;

public class DeviceProfileTests
{
    [Fact]
    public void The_shipped_V100_profile_holds_the_published_BERT_figures_per_mapped_model()
    {
        var v100 = EmulatedDeviceProfile.Load("v100-bert");
        var measured = SyntheticProfiles.Classifier("cnn-large", items: 50, skill: 0.8, fixedMs: 1, perItemMs: 1, seed: 1);
        var emulated = v100.Apply(measured, slowdown: 1);
        Assert.Equal("emulated:v100-bert", emulated.Device);
        Assert.Equal(7.6, emulated.LatencyMs(1), 6);
        Assert.Equal(12, emulated.LatencyMs(8), 6);
        Assert.Equal(51, emulated.LatencyMs(50), 6);
        Assert.Equal(measured.Confidence, emulated.Confidence); // accuracy stays the model's own
        Assert.Equal(measured.Accuracy, emulated.Accuracy);
        Assert.Equal([1], emulated.ThreadCounts());

        var tiny = v100.Apply(measured with { Model = "mlp" }, slowdown: 5);
        Assert.Equal(8, tiny.LatencyMs(1), 6);
        Assert.Equal(8, tiny.LatencyMs(100), 6);
    }

    [Fact]
    public void The_shipped_machine_profile_covers_every_model()
    {
        var machine = EmulatedDeviceProfile.Load("this-machine-cpu");
        Assert.Equal(["cnn-large", "cnn-small", "grid-tiles", "mlp"], machine.Models.Keys.Order());
    }

    [Fact]
    public void A_profile_without_a_model_or_with_bad_points_is_refused_with_the_reason()
    {
        var e = Assert.Throws<InvalidDataException>(() => EmulatedDeviceProfile.Parse("""{"name":"x","models":{"mlp":{"latency":[{"batchSize":0,"ms":1}]}}}"""));
        Assert.Contains("mlp", e.Message);
        var v100 = EmulatedDeviceProfile.Load("v100-bert");
        var other = SyntheticProfiles.Classifier("resnet", 50, 0.5, 1, 1, 1);
        Assert.Contains("resnet", Assert.Throws<InvalidOperationException>(() => v100.Apply(other, 1)).Message);
    }

    [Fact]
    public void Emulate_devices_switch_overrides_the_section_and_bad_counts_say_so()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gearbox:Devices:Emulate"] = "2", ["Gearbox:Devices:Slowdown"] = "5", ["emulate-devices"] = "4",
        }).Build();
        var options = DeviceOptions.From(config);
        Assert.Equal(4, options.Emulate);
        Assert.Equal(5, options.Slowdown);
        Assert.Equal("v100-bert", options.EmulatedProfile);
        Assert.False(DeviceOptions.From(new ConfigurationBuilder().Build()).IsEmulated); // never the default
        Assert.Contains("Emulate", new DeviceOptions { Emulate = -1 }.Problem());
    }
}
