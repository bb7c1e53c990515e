using Gearbox.Bench;

namespace Gearbox.Tests.Bench;

public class TraceOptionsTests
{
    [Fact]
    public void A_generated_trace_takes_its_shape_and_the_compare_list()
    {
        var options = BenchOptions.Parse(["--trace", "diurnal", "--trace-seconds", "120", "--trace-peak", "350", "--seed", "4",
            "--compare", "gears,static,reactive,switching", "--json", "out.json", "--svg", "out.svg", "--server", "/x/Gearbox.Silo.dll"]);

        Assert.Equal("diurnal", options.Trace);
        Assert.Equal(120, options.TraceSeconds);
        Assert.Equal(350, options.TracePeak);
        Assert.Equal(["gears", "static", "reactive", "switching"], options.Compare!);
        Assert.Equal("out.json", options.JsonPath);
        Assert.Equal("out.svg", options.SvgPath);
        Assert.Equal("/x/Gearbox.Silo.dll", options.ServerDll);
    }

    [Fact]
    public void Without_compare_a_trace_runs_against_the_target()
    {
        var options = BenchOptions.Parse(["--trace", "day.csv", "--target", "http://127.0.0.1:9000"]);

        Assert.Equal("day.csv", options.Trace);
        Assert.Null(options.Compare);
        Assert.Equal(new Uri("http://127.0.0.1:9000"), options.Target);
    }

    [Fact]
    public void Server_settings_are_passed_to_every_server_started()
    {
        var options = BenchOptions.Parse(["--trace", "bursty", "--compare", "gears", "--server-settings", "Gearbox:Control:ChargeClient=true, Gearbox:Gateway:MaxInFlight=512"]);
        var launch = new ServerLaunch("g.dll", "gears", null, "/data") { Settings = options.ServerSettings };

        var args = ServerProcess.ArgumentsFor(launch, 1, 2, 3);

        Assert.Equal(["--Gearbox:Control:ChargeClient", "true", "--Gearbox:Gateway:MaxInFlight", "512"], args[^4..]);
    }

    [Theory]
    [InlineData("--trace bursty --compare gears --server-settings Gearbox:Control:Mode=static", "set by --compare itself")]
    [InlineData("--trace bursty --compare gears --server-settings ChargeClient", "is not KEY=VALUE")]
    [InlineData("--trace bursty --server-settings A=1", "--server-settings goes with --compare")]
    [InlineData("--compare gears", "--compare goes with --trace")]
    [InlineData("--svg x.svg", "--svg goes with --trace")]
    [InlineData("--trace bursty --rate 100", "leave out --rate")]
    [InlineData("--trace bursty --phases 100x10", "leave out --phases")]
    [InlineData("--trace bursty --validate-plan", "leave out --validate-plan")]
    [InlineData("--trace day.csv --trace-peak 100", "--trace-peak goes with --trace diurnal or --trace bursty")]
    [InlineData("--trace bursty --compare gears,fast", "'fast' is not a control mode")]
    [InlineData("--trace bursty --compare gears,gears", "names a mode twice")]
    [InlineData("--trace bursty --compare gears --target http://127.0.0.1:9000", "leave out --target")]
    [InlineData("--trace bursty --server x.dll", "--server goes with --compare")]
    [InlineData("--trace", "--trace needs")]
    [InlineData("--trace bursty --trace-seconds 5000", "--trace-seconds must be")]
    public void Trace_options_that_do_not_fit_are_refused(string args, string why)
    {
        var error = Assert.Throws<BenchUsageException>(() => BenchOptions.Parse(args.Split(' ')));

        Assert.Contains(why, error.Message);
    }
}
