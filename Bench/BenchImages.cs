using System.Text;
using Gearbox.Contracts.Protocol;
using Gearbox.Contracts.Serving;
using Gearbox.Data;

namespace Gearbox.Bench;

/// <summary>
/// The bench's inputs: real test-split images (or grids built from them), each with its true labels
/// (one per item, or one per tile with -1 for an empty tile), all of them as one UINT8 batch for the
/// engine (fed as the workers feed it) and its infer request body, serialised once so sending allocates
/// nothing per request.
/// </summary>
public sealed class BenchImages
{
    private BenchImages(int side, byte[][] pixels, ImageBatch batch, int[][] truths, byte[][] bodies)
    {
        Side = side;
        Pixels = pixels;
        Batch = batch;
        Truths = truths;
        Bodies = bodies;
    }

    public int Side { get; }
    /// <summary>Each image's UINT8 pixels, row-major (what the binary and gRPC senders send raw).</summary>
    public byte[][] Pixels { get; }
    /// <summary>All images as one UINT8 batch, in order: the engine baseline takes views of it (as a request's batch reaches a worker).</summary>
    public ImageBatch Batch { get; }
    public int[][] Truths { get; }
    public byte[][] Bodies { get; }
    public int Count => Pixels.Length;
    public int SlotsPerItem => Truths[0].Length;

    public static BenchImages Load(GearboxPaths paths, int inputSide, int count, double sloMs)
    {
        var test = DatasetFile.Read(paths.DatasetFile).Test;
        if (inputSide == GridImages.Side)
        {
            var grids = GridImages.Generate(test, count, seed: 3);
            return Build(GridImages.Side, count, i => grids.Pixels.AsSpan(i * GridImages.Side * GridImages.Side, GridImages.Side * GridImages.Side).ToArray(),
                i => grids.TileLabels[i], sloMs);
        }
        if (inputSide != FashionMnist.Side)
            throw new InvalidDataException($"No test images of side {inputSide}; pipelines take {FashionMnist.Side} or {GridImages.Side}.");
        count = Math.Min(count, test.Count);
        return Build(FashionMnist.Side, count, i => test.Image(i).ToArray(), i => [test.Labels[i]], sloMs);
    }

    private static BenchImages Build(int side, int count, Func<int, byte[]> pixels, Func<int, int[]> truth, double sloMs)
    {
        var all = new byte[count][];
        var batch = new byte[count * side * side];
        var truths = new int[count][];
        var bodies = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var image = all[i] = pixels(i);
            image.CopyTo(batch, i * side * side);
            truths[i] = truth(i);
            bodies[i] = Encoding.UTF8.GetBytes(InferRequestJson.ForImage(image, side, sloMs));
        }
        return new BenchImages(side, all, ImageBatch.Uint8(batch, side * side), truths, bodies);
    }
}
