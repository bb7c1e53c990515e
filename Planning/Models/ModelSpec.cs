using TorchSharp;

namespace Gearbox.Models;

/// <summary>What the code knows about one model of the zoo: its shape, its kind and how to train it.</summary>
public sealed record ModelSpec(
    string Name,
    ModelKind Kind,
    int InputSide,
    int Outputs,
    int Epochs,
    Func<torch.nn.Module<torch.Tensor, torch.Tensor>> Create)
{
    public long[] InputShape => [1, InputSide, InputSide];
    public int InputSize => InputSide * InputSide;
}
