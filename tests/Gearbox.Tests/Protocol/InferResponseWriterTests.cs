using System.Text.Json;
using Gearbox.Contracts.Serving;
using Gearbox.Gateway.Protocol;

namespace Gearbox.Tests.Protocol;

public class InferResponseWriterTests
{
    private static JsonElement Write(string? id, PipelineItem[] results, int slots, double latency = 1.23456) =>
        JsonDocument.Parse(InferResponseWriter.ToUtf8("fashion", id, results, slots, latency)).RootElement;

    private static JsonElement Output(JsonElement response, string name) =>
        response.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == name);

    [Fact]
    public void Classifier_results_become_label_and_confidence_of_shape_n()
    {
        var response = Write("req-1",
        [
            new PipelineItem(ItemStatus.Ok, [3], [0.75f], ["mlp"]),
            new PipelineItem(ItemStatus.Ok, [9], [0.5f], ["cnn-large"]),
        ], slots: 1);

        Assert.Equal("fashion", response.GetProperty("model_name").GetString());
        Assert.Equal("req-1", response.GetProperty("id").GetString());
        var label = Output(response, "label");
        Assert.Equal("INT64", label.GetProperty("datatype").GetString());
        Assert.Equal([2], label.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([3L, 9L], label.GetProperty("data").EnumerateArray().Select(e => e.GetInt64()));
        var confidence = Output(response, "confidence");
        Assert.Equal("FP32", confidence.GetProperty("datatype").GetString());
        Assert.Equal([0.75f, 0.5f], confidence.GetProperty("data").EnumerateArray().Select(e => e.GetSingle()));
        var parameters = response.GetProperty("parameters");
        Assert.Equal(["mlp", "cnn-large"], parameters.GetProperty("models").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1.235, parameters.GetProperty("server_latency_ms").GetDouble());
        Assert.False(parameters.TryGetProperty("deadline_exceeded", out _));
    }

    [Fact]
    public void Confidence_round_trips_exactly()
    {
        var value = 0.123456789f;
        var response = Write(null, [new PipelineItem(ItemStatus.Ok, [1], [value], ["mlp"])], 1);
        Assert.Equal(value, Output(response, "confidence").GetProperty("data")[0].GetSingle());
    }

    [Fact]
    public void Grid_results_have_shape_n_by_4_with_empty_tiles_and_joined_models()
    {
        var response = Write(null,
        [
            new PipelineItem(ItemStatus.Ok, [1, -1, 7, 2], [0.9f, 0f, 0.8f, 0.7f], ["mlp", "", "cnn-small", "mlp"]),
        ], slots: 4);

        Assert.False(response.TryGetProperty("id", out _));
        Assert.Equal([1, 4], Output(response, "label").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([1L, -1L, 7L, 2L], Output(response, "label").GetProperty("data").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([1, 4], Output(response, "confidence").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("mlp,,cnn-small,mlp", response.GetProperty("parameters").GetProperty("models")[0].GetString());
    }

    [Fact]
    public void Dropped_items_are_written_as_empty_and_listed()
    {
        var response = Write(null,
        [
            new PipelineItem(ItemStatus.Ok, [3], [0.75f], ["mlp"]),
            new PipelineItem(ItemStatus.DeadlineExceeded, [], [], []),
        ], slots: 1);

        Assert.Equal([3L, -1L], Output(response, "label").GetProperty("data").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([1], response.GetProperty("parameters").GetProperty("deadline_exceeded").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("", response.GetProperty("parameters").GetProperty("models")[1].GetString());
    }

    [Fact]
    public void Answered_item_with_the_wrong_slot_count_is_a_server_bug()
    {
        Assert.Throws<ArgumentException>(() =>
            InferResponseWriter.ToUtf8("fashion-grid", null, [new PipelineItem(ItemStatus.Ok, [1], [0.5f], ["mlp"])], 4, 1));
    }

    [Fact]
    public void Slots_follow_the_pipelines_first_stage()
    {
        var grid = new PipelineDefinition("fashion-grid", 56, 100,
            [new StageDefinition("tiles", StageKind.TileSplit, ["grid-tiles"]), new StageDefinition("classify", StageKind.Cascade, ["mlp"])]);
        var fashion = new PipelineDefinition("fashion", 28, 50, [new StageDefinition("classify", StageKind.Cascade, ["mlp"])]);

        Assert.Equal(4, InferResponseWriter.SlotsPerItem(grid));
        Assert.Equal(1, InferResponseWriter.SlotsPerItem(fashion));
    }
}
