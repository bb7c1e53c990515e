using Gearbox.Bench;

namespace Gearbox.Tests.Http;

/// <summary>The real silo's /metrics carries the .NET runtime's meter under the names the bench reads (Kestrel on loopback).</summary>
[Collection("gateway")]
public class RuntimeMetricsTests(GatewayServer server)
{
    [Fact]
    public async Task Metrics_export_the_runtime_figures_the_bench_reads()
    {
        var text = PrometheusText.Parse(await server.Http.GetStringAsync("/metrics"));

        foreach (var name in new[] { RuntimeReading.Allocated, RuntimeReading.Collections, RuntimeReading.GcPause, RuntimeReading.Contentions,
                     RuntimeReading.Cpu, RuntimeReading.WorkItems, RuntimeReading.QueueLength, RuntimeReading.Threads })
            Assert.True(text.Samples(name).Count > 0, $"/metrics has no {name}");
        Assert.NotNull(text.Sum(RuntimeReading.Collections, "gc_heap_generation", "gen0"));
        Assert.True(text.Sum(RuntimeReading.Allocated) > 0);
        Assert.True(text.Sum(RuntimeReading.Threads) >= 1);
    }

    [Fact]
    public async Task The_sampler_measures_a_step_against_the_real_silo()
    {
        using var sampler = new RuntimeSampler(server.Http.BaseAddress!, TimeSpan.FromMilliseconds(250));
        var image = server.Models.Data.Test.Image(1).ToArray();

        var (ok, runtime) = await sampler.MeasureAsync(async () =>
        {
            var answered = 0;
            for (var i = 0; i < 20; i++)
            {
                using var response = await InferJson.Post(server.Http, "fashion", InferJson.Body([image], 28));
                if (response.IsSuccessStatusCode) answered++;
            }
            return answered;
        }, answered => answered);

        Assert.Equal(20, ok);
        // Twenty requests through HTTP, Orleans and the engine allocate on the managed heap and take CPU.
        Assert.True(runtime.AllocatedKbPerRequest > 0, $"allocated {runtime.AllocatedKbPerRequest} KB/req");
        Assert.True(runtime.CpuMsPerRequest > 0, $"CPU {runtime.CpuMsPerRequest} ms/req");
        Assert.True(runtime.WorkItemsPerRequest > 0, $"{runtime.WorkItemsPerRequest} thread-pool work items/req");
        Assert.NotNull(runtime.QueueMax);
        Assert.True(runtime.ThreadsMax >= 1);
        Assert.NotNull(runtime.Gen0Collections);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_gives_no_reading_not_an_error()
    {
        using var sampler = new RuntimeSampler(new Uri($"http://127.0.0.1:{FreePort.Next()}"), TimeSpan.FromMilliseconds(50));

        Assert.Null(await sampler.ReadAsync());
        var (result, runtime) = await sampler.MeasureAsync(() => Task.FromResult(7), r => r);
        Assert.Equal(7, result);
        Assert.False(runtime.Any);
    }
}
