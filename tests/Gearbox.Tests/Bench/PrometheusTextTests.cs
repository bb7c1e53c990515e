using Gearbox.Bench;

namespace Gearbox.Tests.Bench;

public class PrometheusTextTests
{
    // Lines as a silo's /metrics served them (System.Runtime through the OpenTelemetry Prometheus exporter), trimmed.
    private const string Exposition = """
        # TYPE dotnet_gc_collections_total counter
        # HELP dotnet_gc_collections_total The number of garbage collections that have occurred since the process has started.
        dotnet_gc_collections_total{otel_scope_name="System.Runtime",gc_heap_generation="gen2"} 11
        dotnet_gc_collections_total{otel_scope_name="System.Runtime",gc_heap_generation="gen1"} 2
        dotnet_gc_collections_total{otel_scope_name="System.Runtime",gc_heap_generation="gen0"} 5
        # TYPE dotnet_gc_heap_total_allocated_bytes_total counter
        dotnet_gc_heap_total_allocated_bytes_total{otel_scope_name="System.Runtime"} 352472312
        dotnet_gc_pause_time_seconds_total{otel_scope_name="System.Runtime"} 0.090732
        dotnet_monitor_lock_contentions_total{otel_scope_name="System.Runtime"} 159
        dotnet_process_cpu_time_seconds_total{otel_scope_name="System.Runtime",cpu_mode="user"} 16.439228
        dotnet_process_cpu_time_seconds_total{otel_scope_name="System.Runtime",cpu_mode="system"} 3.013219
        dotnet_thread_pool_queue_length_total{otel_scope_name="System.Runtime"} 7
        dotnet_thread_pool_thread_count_total{otel_scope_name="System.Runtime"} 3
        dotnet_thread_pool_work_item_count_total{otel_scope_name="System.Runtime"} 77892 1733130000000

        """;

    [Fact]
    public void Sums_a_metric_over_its_label_sets_or_one_label_value()
    {
        var text = PrometheusText.Parse(Exposition);

        Assert.Equal(18, text.Sum("dotnet_gc_collections_total"));
        Assert.Equal(2, text.Sum("dotnet_gc_collections_total", "gc_heap_generation", "gen1"));
        Assert.Equal(16.439228 + 3.013219, text.Sum("dotnet_process_cpu_time_seconds_total")!.Value, 9);
        Assert.Equal(77892, text.Sum("dotnet_thread_pool_work_item_count_total")); // a trailing timestamp is not the value
    }

    [Fact]
    public void A_metric_it_does_not_have_is_null_not_zero()
    {
        var text = PrometheusText.Parse(Exposition);

        Assert.Null(text.Sum("dotnet_gc_collections"));
        Assert.Null(text.Sum("dotnet_gc_collections_total", "gc_heap_generation", "loh"));
        Assert.Empty(text.Samples("nothing"));
    }

    [Fact]
    public void Reads_escaped_label_values_bare_names_and_special_values()
    {
        var text = PrometheusText.Parse("""
            errors_total{reason="say \"no\", then \\ stop",code="500"} 3
            up 1
            ratio NaN
            limit{le="+Inf"} +Inf
            """);

        var sample = Assert.Single(text.Samples("errors_total"));
        Assert.Equal("say \"no\", then \\ stop", sample.Labels["reason"]);
        Assert.Equal("500", sample.Labels["code"]);
        Assert.Equal(1, text.Sum("up"));
        Assert.True(double.IsNaN(text.Sum("ratio")!.Value));
        Assert.Equal(double.PositiveInfinity, text.Sum("limit", "le", "+Inf"));
    }

    [Fact]
    public void Skips_lines_it_cannot_read_and_keeps_the_rest()
    {
        var text = PrometheusText.Parse("""
            broken{label="unterminated 5
            novalue{a="b"}
            words here
            good_total 4
            """);

        Assert.Equal(4, text.Sum("good_total"));
        Assert.Empty(text.Samples("broken"));
        Assert.Empty(text.Samples("novalue"));
        Assert.Empty(text.Samples("words"));
    }

    [Fact]
    public void A_runtime_reading_takes_the_exporters_names()
    {
        var reading = RuntimeReading.From(PrometheusText.Parse(Exposition));

        Assert.Equal(352472312, reading.AllocatedBytes);
        Assert.Equal((5.0, 2.0, 11.0), (reading.Gen0Collections!.Value, reading.Gen1Collections!.Value, reading.Gen2Collections!.Value));
        Assert.Equal(0.090732, reading.GcPauseSeconds);
        Assert.Equal(159, reading.LockContentions);
        Assert.Equal(7, reading.ThreadPoolQueueLength);
        Assert.Equal(3, reading.ThreadPoolThreads);
        Assert.True(reading.HasRuntimeMeter);
    }

    [Fact]
    public void A_server_without_the_runtime_meter_reads_as_all_null()
    {
        var reading = RuntimeReading.From(PrometheusText.Parse("gearbox_requests_total{pipeline=\"fashion\"} 12\n"));

        Assert.False(reading.HasRuntimeMeter);
        Assert.Null(reading.CpuSeconds);
        Assert.Null(reading.ThreadPoolQueueLength);
    }
}
