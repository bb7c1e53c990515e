using Gearbox.Contracts.Serving;

namespace Gearbox.Gateway.Protocol;

/// <summary>
/// A decoded infer request: the items as one <see cref="ImageBatch"/> in the datatype they were sent in
/// (UINT8 bytes, or FP32 values in [0, 1]; the engine scales UINT8 by 1/255), the client's request id and its SLO.
/// </summary>
/// <param name="Id">The request's "id", echoed in the response; null when the client sent none.</param>
/// <param name="Images">The images, side*side pixels each, row-major, back to back.</param>
/// <param name="SloMs">parameters.slo_ms, or null for the pipeline's default.</param>
/// <param name="Datatype">"UINT8" or "FP32", as sent.</param>
public sealed record InferRequest(string? Id, ImageBatch Images, double? SloMs, string Datatype)
{
    public int Count => Images.Count;

    /// <summary>Outputs the client asked to get as binary tensors (<see cref="BinaryTensors"/>); empty for a plain JSON answer.</summary>
    public IReadOnlyList<string> BinaryOutputs { get; init; } = [];
}
