namespace Gearbox.Inference;

/// <summary>
/// What one forward pass returns per item: the top-1 class and its probability; for the tile detector
/// the label is the number of occupied tiles, confidence the least certain tile, and the mask says which.
/// </summary>
public sealed record InferenceOutput(int[] Labels, float[] Confidence, bool[][]? TileMask, double ComputeMs)
{
    public int Count => Labels.Length;
}
