using Azure.Data.Tables;

namespace Gearbox.Storage;

/// <summary>
/// How one document's UTF-8 bytes are laid out in table entities, within Azure's limits of 64 KiB per
/// property and 1 MiB per entity. The head entity holds the first <see cref="HeadSegments"/> × 64 KiB
/// (640 KiB: a ~100 KB profile fits there: one entity, one atomic write); longer documents continue in chunk
/// entities of <see cref="ChunkSegments"/> × 64 KiB (704 KiB) each, written under a fresh generation id before the
/// head that points at them, so readers never see a half-written document.
/// </summary>
public static class TableDocumentLayout
{
    public const int SegmentBytes = 64 * 1024;
    // The 1 MiB entity limit is counted on the request's JSON by Azurite, where binary travels as base64
    // (4/3 larger): 11 × 64 KiB = 704 KiB of bytes is ~940 KiB on the wire, which passes both Azurite and
    // Azure (which counts the raw bytes). The head keeps one segment less for its bookkeeping properties.
    public const int HeadSegments = 10;
    public const int ChunkSegments = 11;

    public const string LengthProperty = "Length";
    public const string GenerationProperty = "Generation";
    public const string ChunksProperty = "Chunks";

    public static string SegmentProperty(int index) => $"D{index:D2}";

    public static string HeadRow(string key) => "d|" + TableKeyEscaping.Escape(key);
    public const string HeadRowsFrom = "d|";
    public const string HeadRowsTo = "d}";   // '}' follows '|': the range holds exactly the head rows

    public static string KeyOfHeadRow(string rowKey) => TableKeyEscaping.Unescape(rowKey["d|".Length..]);

    public static string ChunkRowPrefix(string key, string generation) => $"c|{TableKeyEscaping.Escape(key)}|{generation}|";
    public static string ChunkRow(string key, string generation, int index) => ChunkRowPrefix(key, generation) + index.ToString("D5");

    /// <summary>Splits the document into the head entity and its chunk entities.</summary>
    public static (TableEntity Head, IReadOnlyList<TableEntity> Chunks) Split(string partitionKey, string key, byte[] utf8, string generation)
    {
        var headBytes = HeadSegments * SegmentBytes;
        var chunkBytes = ChunkSegments * SegmentBytes;
        var chunkCount = utf8.Length <= headBytes ? 0 : (utf8.Length - headBytes + chunkBytes - 1) / chunkBytes;

        var head = new TableEntity(partitionKey, HeadRow(key))
        {
            [LengthProperty] = (long)utf8.Length,
            [GenerationProperty] = generation,
            [ChunksProperty] = chunkCount,
        };
        Fill(head, utf8.AsMemory(0, Math.Min(utf8.Length, headBytes)));

        var chunks = new List<TableEntity>(chunkCount);
        for (var i = 0; i < chunkCount; i++)
        {
            var start = headBytes + i * chunkBytes;
            var chunk = new TableEntity(partitionKey, ChunkRow(key, generation, i));
            Fill(chunk, utf8.AsMemory(start, Math.Min(chunkBytes, utf8.Length - start)));
            chunks.Add(chunk);
        }
        return (head, chunks);
    }

    /// <summary>Reassembles the bytes from the head and its chunks (in row-key order); null if some are missing.</summary>
    public static byte[]? Join(TableEntity head, IReadOnlyList<TableEntity> chunks)
    {
        var length = head.GetInt64(LengthProperty) ?? throw new InvalidDataException($"Entity '{head.RowKey}' has no {LengthProperty}.");
        var bytes = new byte[length];
        var written = 0;
        foreach (var entity in chunks.Prepend(head))
        {
            for (var s = 0; s < ChunkSegments; s++)
            {
                var segment = entity.GetBinary(SegmentProperty(s));
                if (segment is null) break;
                if (written + segment.Length > length) return null;
                segment.CopyTo(bytes, written);
                written += segment.Length;
            }
        }
        return written == length ? bytes : null;
    }

    private static void Fill(TableEntity entity, ReadOnlyMemory<byte> bytes)
    {
        for (int offset = 0, s = 0; offset < bytes.Length; offset += SegmentBytes, s++)
            entity[SegmentProperty(s)] = bytes.Slice(offset, Math.Min(SegmentBytes, bytes.Length - offset)).ToArray();
    }
}
