using Gearbox.Bench;

namespace Gearbox.Tests.Bench;

public class BenchOptionsTests
{
    [Fact]
    public void Defaults_target_the_local_gateway()
    {
        var options = BenchOptions.Parse([]);

        Assert.Equal(new Uri("http://127.0.0.1:8080"), options.Target);
        Assert.Equal("fashion", options.Pipeline);
        Assert.False(options.EngineBaseline);
    }

    [Theory]
    [InlineData("http://localhost:9000")]
    [InlineData("http://[::1]:8080")]
    [InlineData("http://127.0.0.2:8080")]
    public void Loopback_targets_are_accepted(string target) =>
        Assert.Equal(new Uri(target), BenchOptions.Parse(["--target", target]).Target);

    [Theory]
    [InlineData("http://10.0.0.5:8080")]
    [InlineData("http://example.com")]
    [InlineData("http://0.0.0.0:8080")]
    public void Other_targets_are_refused(string target) =>
        Assert.Throws<BenchUsageException>(() => BenchOptions.Parse(["--target", target]));

    [Theory]
    [InlineData("--rate", "0")]
    [InlineData("--rate", "fast")]
    [InlineData("--rate", "100,,200")]
    [InlineData("--max-requests", "2.5")]
    [InlineData("--thresholds", "0.9,1.5")]
    [InlineData("--bogus", "1")]
    public void Bad_options_are_refused(string name, string value) =>
        Assert.Throws<BenchUsageException>(() => BenchOptions.Parse([name, value]));

    [Fact]
    public void Options_are_read()
    {
        var options = BenchOptions.Parse(["--pipeline", "fashion-grid", "--rate", "12.5", "--thresholds", "0.85,0.8", "--engine-only"]);

        Assert.Equal("fashion-grid", options.Pipeline);
        Assert.Equal([12.5], options.Rates);
        Assert.Equal([0.85, 0.8], options.Thresholds!);
        Assert.True(options.EngineOnly);
        Assert.True(options.EngineBaseline);
    }

    [Fact]
    public void A_rate_list_is_a_sweep_run_from_low_to_high() =>
        Assert.Equal([500, 1000, 2000], BenchOptions.Parse(["--rate", "2000,500,1000"]).Rates);

    [Fact]
    public void Plan_validation_options_are_read()
    {
        var options = BenchOptions.Parse(["--validate-plan", "--gears", "5,0,3", "--json", "out/v.json", "--settle", "1"]);

        Assert.True(options.ValidatePlan);
        Assert.Equal([0, 3, 5], options.Gears!);
        Assert.Equal("out/v.json", options.JsonPath);
        Assert.Equal(1, options.SettleSeconds);
        Assert.False(options.SloGiven);
        Assert.True(BenchOptions.Parse(["--validate-plan", "--slo", "80"]).SloGiven);
    }

    [Fact]
    public void Phases_are_read()
    {
        var options = BenchOptions.Parse(["--phases", "200x20,800x20,200x30", "--json", "p.json"]);

        Assert.Equal([new LoadPhase(200, 20), new LoadPhase(800, 20), new LoadPhase(200, 30)], options.Phases!);
        Assert.False(options.ValidatePlan);
    }

    [Theory]
    [InlineData("--validate-plan", "--phases", "200x20")]
    [InlineData("--phases", "200x20", "--rate", "100")]
    [InlineData("--phases", "200x20", "--duration", "5")]
    [InlineData("--validate-plan", "--rate", "100")]
    [InlineData("--validate-plan", "--engine-baseline")]
    [InlineData("--gears", "1,2", "--rate", "100")]
    [InlineData("--validate-plan", "--gears", "1,two")]
    [InlineData("--protocols", "json,xml")]
    [InlineData("--protocols", "grpc,grpc")]
    [InlineData("--protocols", "grpc", "--validate-plan")]
    [InlineData("--grpc-target", "http://10.0.0.1:8081")]
    [InlineData("--validate-plan", "--json")]
    [InlineData("--phases", "200x20,800y20")]
    public void Conflicting_or_bad_gear_options_are_refused(params string[] args) =>
        Assert.Throws<BenchUsageException>(() => BenchOptions.Parse(args));

    [Fact]
    public void Protocols_run_in_the_order_given_and_grpc_defaults_to_the_next_port()
    {
        var options = BenchOptions.Parse(["--protocols", "grpc,json,binary", "--target", "http://127.0.0.1:9000", "--engine-baseline", "--json", "p.json", "--rate", "100,200"]);
        Assert.Equal([BenchProtocol.Grpc, BenchProtocol.Json, BenchProtocol.Binary], options.Protocols);
        Assert.Equal(new Uri("http://127.0.0.1:9001"), options.GrpcTarget);
        Assert.Equal("p.json", options.JsonPath);
        Assert.Equal([BenchProtocol.Json], BenchOptions.Parse([]).Protocols);
        Assert.Equal(new Uri("http://127.0.0.1:7000"), BenchOptions.Parse(["--grpc-target", "http://127.0.0.1:7000"]).GrpcTarget);
    }

    [Fact]
    public void Rate_up_runs_and_runtime_poll_shape_the_sweep()
    {
        var options = BenchOptions.Parse(["--rate-up", "500,500,4000", "--runs", "3", "--runtime-poll", "0", "--protocols", "json,grpc"]);

        Assert.True(options.Ladder.Saturating);
        Assert.Equal(4000, options.Ladder.Max);
        Assert.Equal(3, options.Runs);
        Assert.Equal(TimeSpan.Zero, options.RuntimePoll);
        var defaults = BenchOptions.Parse(["--rate", "20,1000"]);
        Assert.Equal((1, false), (defaults.Runs, defaults.Ladder.Saturating));
        Assert.Equal([20.0, 1000.0], Enumerable.Range(0, 3).Select(defaults.Ladder.RateAt).OfType<double>());
        Assert.Equal(RuntimeSampler.DefaultPoll, defaults.RuntimePoll);
    }

    [Theory]
    [InlineData("--rate-up", "500,500", "--rate", "100")]
    [InlineData("--runs", "3", "--engine-only")]
    [InlineData("--rate-up", "100,100", "--phases", "100x5")]
    [InlineData("--runs", "0")]
    [InlineData("--runtime-poll", "-5")]
    public void Sweep_options_refuse_what_they_do_not_go_with(params string[] args) =>
        Assert.Throws<BenchUsageException>(() => BenchOptions.Parse(args));
}
