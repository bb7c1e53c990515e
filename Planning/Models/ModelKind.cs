namespace Gearbox.Models;

public enum ModelKind
{
    /// <summary>28x28 image in, softmax over 10 classes out.</summary>
    Classifier,
    /// <summary>56x56 grid in, one sigmoid per tile out (is the tile occupied?).</summary>
    TileDetector,
}
