using System.Security.Cryptography;
using System.Text;

namespace Gearbox.Data;

/// <summary>
/// The compact dataset file: "GBFMNIST", format version, three split counts, then per split the labels
/// (one byte each) and the pixels; a SHA-256 of everything before it closes the file.
/// </summary>
public static class DatasetFile
{
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("GBFMNIST");
    private const int FormatVersion = 1;
    private const int HashLength = 32;
    public const string RebuildCommand = "./gearbox data";

    public static void Write(string path, ImageSet train, ImageSet validation, ImageSet test)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.ASCII, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            foreach (var split in new[] { train, validation, test }) writer.Write(split.Count);
            foreach (var split in new[] { train, validation, test })
            {
                foreach (var label in split.Labels) writer.Write((byte)label);
                writer.Write(split.Pixels);
            }
        }
        var body = buffer.ToArray();
        var temporary = path + ".tmp";
        using (var file = File.Create(temporary))
        {
            file.Write(body);
            file.Write(SHA256.HashData(body));
        }
        File.Move(temporary, path, overwrite: true);
    }

    public static FashionMnist Read(string path)
    {
        if (!File.Exists(path))
            throw new DatasetFileException($"Dataset file '{path}' is missing. Run '{RebuildCommand}' to build it.");
        var bytes = File.ReadAllBytes(path);
        const int headerLength = 8 + 4 + 3 * 4;
        if (bytes.Length < headerLength + HashLength || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw Corrupt(path, "it does not start with the Gearbox dataset header");
        var version = BitConverter.ToInt32(bytes, 8);
        if (version != FormatVersion)
            throw Corrupt(path, $"format version {version} is not the supported {FormatVersion}");
        var counts = new[] { BitConverter.ToInt32(bytes, 12), BitConverter.ToInt32(bytes, 16), BitConverter.ToInt32(bytes, 20) };
        const int imageSize = FashionMnist.Side * FashionMnist.Side;
        long expected = headerLength + counts.Sum(c => (long)c * (1 + imageSize)) + HashLength;
        if (counts.Any(c => c < 0) || bytes.Length != expected)
            throw Corrupt(path, $"its length is {bytes.Length} bytes, the header promises {expected}");
        var bodyLength = bytes.Length - HashLength;
        var hash = SHA256.HashData(bytes.AsSpan(0, bodyLength));
        if (!hash.AsSpan().SequenceEqual(bytes.AsSpan(bodyLength)))
            throw Corrupt(path, "its checksum does not match its content");

        var offset = headerLength;
        var splits = new ImageSet[3];
        for (var s = 0; s < 3; s++)
        {
            var labels = new int[counts[s]];
            for (var i = 0; i < labels.Length; i++)
            {
                labels[i] = bytes[offset + i];
                if (labels[i] >= FashionMnist.Classes) throw Corrupt(path, $"label {labels[i]} is out of range");
            }
            offset += labels.Length;
            var pixels = bytes.AsSpan(offset, labels.Length * imageSize).ToArray();
            offset += pixels.Length;
            splits[s] = new ImageSet(pixels, labels, FashionMnist.Side, FashionMnist.Side);
        }
        return new FashionMnist(splits[0], splits[1], splits[2], Convert.ToHexString(hash)[..16].ToLowerInvariant());
    }

    private static DatasetFileException Corrupt(string path, string why) =>
        new($"Dataset file '{path}' is corrupt: {why}. Delete it and run '{RebuildCommand}' to rebuild it.");
}

public sealed class DatasetFileException(string message) : Exception(message);
