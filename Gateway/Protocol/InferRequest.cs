namespace Gearbox.Gateway.Protocol;

/// <summary>
/// A decoded infer request: the items as side*side floats in [0, 1] (the engine's input scale, UINT8
/// already divided by 255 exactly as the dataset loader does), the client's request id and its SLO.
/// </summary>
/// <param name="Id">The request's "id", echoed in the response; null when the client sent none.</param>
/// <param name="Items">One array of side*side floats per image, row-major.</param>
/// <param name="SloMs">parameters.slo_ms, or null for the pipeline's default.</param>
/// <param name="Datatype">"UINT8" or "FP32", as sent.</param>
public sealed record InferRequest(string? Id, float[][] Items, double? SloMs, string Datatype)
{
    public int Count => Items.Length;

    /// <summary>Outputs the client asked to get as binary tensors (<see cref="BinaryTensors"/>); empty for a plain JSON answer.</summary>
    public IReadOnlyList<string> BinaryOutputs { get; init; } = [];
}
