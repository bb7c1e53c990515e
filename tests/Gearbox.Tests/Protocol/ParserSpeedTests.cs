using System.Diagnostics;
using System.Text;
using Gearbox.Gateway.Protocol;
using static Gearbox.Tests.Protocol.InferBodies;

namespace Gearbox.Tests.Protocol;

/// <summary>Timing tests run alone: other tests in the process (model training) would share the cores.</summary>
[CollectionDefinition(nameof(TimingCollection), DisableParallelization = true)]
public sealed class TimingCollection;

[Collection(nameof(TimingCollection))]
public class ParserSpeedTests
{
    [Fact]
    public void Request_of_the_maximum_item_count_parses_well_under_a_millisecond_per_item()
    {
        var body = Encoding.UTF8.GetBytes(Uint8(ProtocolLimits.MaxItems, side: 56));
        // One millisecond per 56x56 item, i.e. a quarter millisecond per 28x28 image. Measured here:
        // about 0.1 ms per 56x56 item in Release, 0.3 ms in an unoptimised Debug build. The machine may
        // be shared, so the test keeps the best of up to 20 runs: it asks whether the parser can be this
        // fast, not whether every run is.
        var budgetMs = ProtocolLimits.MaxItems * 1.0;
        for (var run = 0; run < 5; run++) Assert.True(InferRequestParser.Parse(body, 56, "fashion-grid").IsOk); // past tier-0 JIT

        var best = TimeSpan.MaxValue;
        for (var run = 0; run < 20 && best.TotalMilliseconds >= budgetMs / 4; run++)
        {
            var clock = Stopwatch.StartNew();
            var result = InferRequestParser.Parse(body, 56, "fashion-grid");
            clock.Stop();
            Assert.Equal(ProtocolLimits.MaxItems, result.Value!.Count);
            if (clock.Elapsed < best) best = clock.Elapsed;
        }

        Assert.True(best.TotalMilliseconds < budgetMs, $"{ProtocolLimits.MaxItems} grid images ({body.Length} bytes) took {best.TotalMilliseconds:F1} ms at best.");
    }
}
