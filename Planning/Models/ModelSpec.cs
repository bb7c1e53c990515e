namespace Gearbox.Models;

/// <summary>What the code knows about one model of the zoo: its shape, its kind and how long to train it (its network: <c>ModelNetworks.Create</c>, in Inference).</summary>
public sealed record ModelSpec(
    string Name,
    ModelKind Kind,
    int InputSide,
    int Outputs,
    int Epochs)
{
    public long[] InputShape => [1, InputSide, InputSide];
    public int InputSize => InputSide * InputSide;
}
