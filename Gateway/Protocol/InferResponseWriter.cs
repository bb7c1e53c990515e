using System.Buffers;
using System.Text.Json;
using Gearbox.Contracts.Serving;

namespace Gearbox.Gateway.Protocol;

/// <summary>
/// Writes the Open Inference Protocol response for a pipeline's results: outputs "label" (INT64) and
/// "confidence" (FP32), shape [N] for a classifier pipeline or [N,slots] for a grid (one slot per
/// tile, label -1 for an empty tile), and parameters: "models" (per item the model that answered; for
/// a grid the tiles' models joined by ',', "" for an empty tile), "server_latency_ms", and
/// "deadline_exceeded" (indices of dropped items, present only when some were).
/// </summary>
public static class InferResponseWriter
{
    public const string ContentType = "application/json";

    /// <summary>Output slots per item: one per tile when the pipeline starts by splitting a 2x2 grid, else one.</summary>
    public static int SlotsPerItem(PipelineDefinition pipeline) =>
        pipeline.Stages.Length > 0 && pipeline.Stages[0].Kind == StageKind.TileSplit ? 4 : 1;

    public static byte[] ToUtf8(string modelName, string? id, IReadOnlyList<PipelineItem> results, int slotsPerItem, double serverLatencyMs)
    {
        var buffer = ScratchBuffer.Rent();
        try
        {
            Write(buffer, modelName, id, results, slotsPerItem, serverLatencyMs);
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            ScratchBuffer.Return(buffer);
        }
    }

    /// <summary>
    /// Writes the response. A served (Ok) item must carry exactly <paramref name="slotsPerItem"/> labels,
    /// confidences and models (a server bug otherwise: ArgumentException); a dropped item is written as
    /// label -1, confidence 0, model "" in every slot and listed in deadline_exceeded.
    /// </summary>
    public static void Write(IBufferWriter<byte> output, string modelName, string? id, IReadOnlyList<PipelineItem> results, int slotsPerItem, double serverLatencyMs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slotsPerItem, 1);
        foreach (var item in results)
        {
            if (item.Status == ItemStatus.Ok &&
                (item.Labels.Length != slotsPerItem || item.Confidence.Length != slotsPerItem || item.Models.Length != slotsPerItem))
                throw new ArgumentException($"An answered item has {item.Labels.Length} labels, {item.Confidence.Length} confidences and {item.Models.Length} models; the pipeline has {slotsPerItem} slots.", nameof(results));
        }

        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("model_name", modelName);
        if (id is not null) json.WriteString("id", id);
        json.WriteStartArray("outputs");
        WriteOutput(json, "label", "INT64", results, slotsPerItem, static (w, item, slot) =>
            w.WriteNumberValue(item.Status == ItemStatus.Ok ? item.Labels[slot] : -1));
        WriteOutput(json, "confidence", "FP32", results, slotsPerItem, static (w, item, slot) =>
            w.WriteNumberValue(item.Status == ItemStatus.Ok ? item.Confidence[slot] : 0f));
        json.WriteEndArray();

        json.WriteStartObject("parameters");
        json.WriteStartArray("models");
        foreach (var item in results)
            json.WriteStringValue(item.Status != ItemStatus.Ok ? (slotsPerItem == 1 ? "" : new string(',', slotsPerItem - 1))
                : slotsPerItem == 1 ? item.Models[0] : string.Join(',', item.Models));
        json.WriteEndArray();
        json.WriteNumber("server_latency_ms", Math.Round(serverLatencyMs, 3));
        if (results.Any(r => r.Status != ItemStatus.Ok))
        {
            json.WriteStartArray("deadline_exceeded");
            for (var i = 0; i < results.Count; i++)
                if (results[i].Status != ItemStatus.Ok) json.WriteNumberValue(i);
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>One output tensor: name, datatype, shape, then its data inline — or, with <paramref name="binarySize"/>, only that size, the bytes following the JSON (binary extension).</summary>
    internal static void WriteOutput(Utf8JsonWriter json, string name, string datatype, IReadOnlyList<PipelineItem> results, int slots,
        Action<Utf8JsonWriter, PipelineItem, int> writeSlot, int? binarySize = null)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("datatype", datatype);
        json.WriteStartArray("shape");
        json.WriteNumberValue(results.Count);
        if (slots > 1) json.WriteNumberValue(slots);
        json.WriteEndArray();
        if (binarySize is { } size)
        {
            json.WriteStartObject("parameters");
            json.WriteNumber(BinaryTensors.BinaryDataSize, size);
            json.WriteEndObject();
        }
        else
        {
            json.WriteStartArray("data");
            foreach (var item in results)
                for (var slot = 0; slot < slots; slot++) writeSlot(json, item, slot);
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }
}
