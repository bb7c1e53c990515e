using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Gearbox.Models;

/// <summary>
/// The networks of the zoo. Inputs arrive as [N, side*side] floats in [0, 1]; each network reshapes
/// and normalises itself, so callers never need to know the training statistics.
/// </summary>
internal sealed class ImageNetwork : Module<Tensor, Tensor>
{
    private const float Mean = 0.2860f, Std = 0.3530f;
    private readonly long _side;
    private readonly Sequential layers;

    public ImageNetwork(string name, long side, Sequential layers) : base(name)
    {
        _side = side;
        this.layers = layers;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var image = input.reshape(-1, 1, _side, _side);
        using var normalised = (image - Mean) / Std;
        return layers.forward(normalised);
    }
}

internal static class Architectures
{
    public static Module<Tensor, Tensor> Mlp() => new ImageNetwork("mlp", 28, Sequential(
        Flatten(),
        Linear(784, 128), ReLU(),
        Linear(128, 10)));

    public static Module<Tensor, Tensor> SmallCnn() => new ImageNetwork("cnn-small", 28, Sequential(
        Conv2d(1, 16, 3, padding: 1), ReLU(), MaxPool2d(2),
        Conv2d(16, 32, 3, padding: 1), ReLU(), MaxPool2d(2),
        Flatten(),
        Linear(32 * 7 * 7, 64), ReLU(),
        Linear(64, 10)));

    public static Module<Tensor, Tensor> LargeCnn() => new ImageNetwork("cnn-large", 28, Sequential(
        Conv2d(1, 32, 3, padding: 1), BatchNorm2d(32), ReLU(), MaxPool2d(2),
        Conv2d(32, 64, 3, padding: 1), BatchNorm2d(64), ReLU(), MaxPool2d(2),
        Conv2d(64, 64, 3, padding: 1), BatchNorm2d(64), ReLU(),
        Flatten(),
        Linear(64 * 7 * 7, 128), ReLU(), Dropout(0.25),
        Linear(128, 10)));

    public static Module<Tensor, Tensor> GridTiles() => new ImageNetwork("grid-tiles", 56, Sequential(
        Conv2d(1, 16, 3, padding: 1), ReLU(), MaxPool2d(4),
        Conv2d(16, 32, 3, padding: 1), ReLU(), MaxPool2d(7),
        Flatten(),
        Linear(32 * 2 * 2, 4)));
}
