namespace Gearbox.Contracts.Serving;

/// <summary>
/// The request path of a pipeline (key: its name), a stateless worker so every silo runs it locally: it
/// holds a copy of the pipeline's <see cref="PipelineRoute"/> and sends items straight to the workers,
/// so requests do not queue on the single pipeline and stage activations.
/// </summary>
[Alias("gearbox.IPipelineRouterGrain")]
public interface IPipelineRouterGrain : IGrainWithStringKey
{
    /// <param name="inputs">The request's images (UINT8 or FP32, side*side pixels each) in one immutable buffer, as the gateway decoded them: not copied on the way to the workers within a silo (a cascade forwards a view of the same buffer).</param>
    /// <param name="deadlineUnixMs">When the answer is due, Unix ms.</param>
    /// <param name="cancellation">Cancelled when the caller gave up: items not yet run are not run.</param>
    [Alias("Infer")] Task<PipelineItem[]> Infer([Immutable] ImageBatch inputs, double deadlineUnixMs, CancellationToken cancellation = default);

    /// <summary>The version of the route this router runs requests on now (checked with the pipeline as a request would be); for diagnostics and tests.</summary>
    [Alias("GetRouteVersion")] Task<long> GetRouteVersion();
}
