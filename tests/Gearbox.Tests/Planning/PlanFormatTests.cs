using System.Text.Json;
using Gearbox.Cli;
using Gearbox.Cli.Commands;
using Gearbox.Contracts.Planning;
using Gearbox.Planning;
using Gearbox.Profiling;
using Gearbox.Tests.Foundation;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Gearbox.Tests.Planning;

public class PlanFormatTests
{
    /// <summary>Synthetic profiles under the real cascade's model names, so the declared 'fashion' pipeline can be planned from them.</summary>
    private static GearboxPaths SyntheticFashionData()
    {
        var paths = new GearboxPaths(SyntheticData.TempDirectory());
        var files = new ProfileFile(paths.ProfilesDirectory);
        var synthetic = SyntheticProfiles.Cascade();
        string[] names = ["mlp", "cnn-small", "cnn-large"];
        for (var i = 0; i < 3; i++) files.Save(synthetic[i] with { Model = names[i] });
        return paths;
    }

    [Fact]
    public void Plan_json_is_one_object_with_gears_ordered_by_load_keyed_by_model()
    {
        var paths = SyntheticFashionData();
        var svg = Path.Combine(paths.DataDirectory, "chart.svg");
        var (output, errors) = (new StringWriter(), new StringWriter());
        var code = PlanCommand.Run(new CliArgs(["fashion", "--slo-ms", "20", "--min-accuracy", "0.7", "--devices", "6", "--json", "--svg", svg, "--no-sim"]),
            paths, output, errors);

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output.ToString());
        var gears = json.RootElement.GetProperty("gears").EnumerateArray().ToArray();
        Assert.NotEmpty(gears);
        var loads = gears.Select(g => g.GetProperty("maxLoad").GetDouble()).ToArray();
        Assert.Equal(loads.Order(), loads);
        foreach (var gear in gears)
        {
            Assert.Equal(["cnn-small", "mlp"], gear.GetProperty("thresholds").EnumerateObject().Select(p => p.Name).Order());
            Assert.Equal(["cnn-large", "cnn-small", "mlp"], gear.GetProperty("replicas").EnumerateObject().Select(p => p.Name).Order());
            Assert.Equal(["cnn-large", "cnn-small", "mlp"], gear.GetProperty("maxBatch").EnumerateObject().Select(p => p.Name).Order());
            Assert.True(gear.GetProperty("predictedAccuracy").GetDouble() >= 0.7);
            Assert.True(gear.GetProperty("predictedP99Ms").GetDouble() <= 20);
            Assert.True(gear.GetProperty("cost").GetDouble() >= 1);
        }
        Assert.StartsWith("<svg", File.ReadAllText(svg));
        Assert.Contains("chart:", errors.ToString());
    }

    [Fact]
    public void Impossible_inputs_fail_with_the_reason()
    {
        var paths = SyntheticFashionData();
        var error = Assert.Throws<PlanningImpossibleException>(() => PlanCommand.Run(
            new CliArgs(["fashion", "--slo-ms", "20", "--min-accuracy", "0.999", "--devices", "6", "--svg", Path.Combine(paths.DataDirectory, "c.svg")]),
            paths, new StringWriter(), new StringWriter()));
        Assert.Contains("above the best", error.Message);
    }

    [Fact]
    public void A_plan_survives_the_Orleans_serializer()
    {
        var plan = new GearPlanner(SyntheticProfiles.Fashion(), new PlannerOptions(CheckWithSimulator: false)).Plan(new PlanRequest("synthetic", 20, 0.75, 8, Bands: 4));
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        var copy = serializer.Deserialize<GearPlan>(serializer.SerializeToArray(plan))!;

        Assert.Equal(plan.Request, copy.Request);
        Assert.Equal(plan.Ceiling, copy.Ceiling);
        Assert.Equal(plan.Notes, copy.Notes);
        Assert.Equal(plan.Gears.Length, copy.Gears.Length);
        for (var i = 0; i < plan.Gears.Length; i++)
        {
            Assert.Equal(plan.Gears[i].Thresholds, copy.Gears[i].Thresholds);
            Assert.Equal(plan.Gears[i].Replicas, copy.Gears[i].Replicas);
            Assert.Equal(plan.Gears[i].MaxBatch, copy.Gears[i].MaxBatch);
            Assert.Equal(plan.Gears[i].Threads, copy.Gears[i].Threads);
            Assert.Equal(plan.Gears[i] with { Thresholds = copy.Gears[i].Thresholds, Replicas = copy.Gears[i].Replicas, MaxBatch = copy.Gears[i].MaxBatch, Threads = copy.Gears[i].Threads }, copy.Gears[i]);
        }
    }
}
