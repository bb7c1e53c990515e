using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gearbox.Tests.Http;

namespace Gearbox.Tests.Deployment;

/// <summary>
/// docker-compose.yml and its Prometheus/Grafana files: the compose file validates with the real
/// docker-compose (.ci/run installs it), and every Gearbox metric the Grafana dashboard queries is one a
/// real silo exports on /metrics after serving a request — so a renamed metric breaks this test, not the dashboard.
/// </summary>
[Collection("gateway")]
public partial class MonitoringStackTests(GatewayServer server)
{
    private static string Root => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));

    [Fact]
    public async Task The_compose_file_validates_and_runs_prometheus_and_grafana()
    {
        var compose = Process.Start(new ProcessStartInfo("docker-compose", "config")
        {
            WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("docker-compose did not start (apt-get install docker-compose).");
        var output = await compose.StandardOutput.ReadToEndAsync();
        var errors = await compose.StandardError.ReadToEndAsync();
        await compose.WaitForExitAsync();

        Assert.True(compose.ExitCode == 0, $"docker-compose config failed: {errors}");
        foreach (var service in new[] { "redis", "azurite", "silo", "gateway", "prometheus", "grafana" })
            Assert.Matches(new Regex($"^  {service}:$", RegexOptions.Multiline), output);
        Assert.Contains("monitoring/prometheus.yml", output);
        Assert.Contains("monitoring/grafana/provisioning", output);
    }

    [Fact]
    public async Task Every_metric_the_dashboard_queries_is_exported()
    {
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Root, "monitoring/grafana/dashboards/gearbox.json")));
        var queried = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .SelectMany(t => MetricName().Matches(t.GetProperty("expr").GetString()!).Select(m => m.Value))
            .ToHashSet();
        Assert.Contains("gearbox_workers", queried);

        var images = Enumerable.Range(0, 4).Select(i => server.Models.Data.Test.Image(i).ToArray());
        (await InferJson.Post(server.Http, "fashion", InferJson.Body(images, 28))).EnsureSuccessStatusCode();
        var metrics = await server.Http.GetStringAsync("/metrics");

        // Drops are counted only once a request has missed its deadline (this server dropped none); the control
        // gauges only while a planner runs, which this server's "off" mode does not start (ControlHttpTests checks them).
        string[] notHere = ["gearbox_drops_total", "gearbox_load_estimate", "gearbox_gear"];
        foreach (var name in queried.Except(notHere))
            Assert.True(metrics.Contains(name + "{"), $"the dashboard queries {name}, which /metrics does not export");
        Assert.Matches(new Regex("gearbox_workers\\{[^}]*model=\"mlp\"[^}]*\\} [1-9]"), metrics);
    }

    [GeneratedRegex("gearbox_[a-z_]+")]
    private static partial Regex MetricName();
}
