namespace Gearbox.Bench;

/// <summary>Accuracy against the true labels: per slot (item, or tile for grids, an empty tile scored as -1).</summary>
public sealed class AccuracyScore
{
    public long Correct { get; private set; }
    public long Slots { get; private set; }
    public double Accuracy => Slots == 0 ? double.NaN : (double)Correct / Slots;

    public void Add(int[] predicted, int[] truth)
    {
        for (var s = 0; s < truth.Length; s++)
        {
            Slots++;
            if (s < predicted.Length && predicted[s] == truth[s]) Correct++;
        }
    }
}
