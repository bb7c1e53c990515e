using Gearbox.Contracts.Profiles;

namespace Gearbox.Tests.Storage;

/// <summary>Synthetic model profiles of a realistic size for storage tests.</summary>
public static class SampleProfiles
{
    public static ModelProfile Profile(string model, int items)
    {
        var random = new Random(model.GetHashCode(StringComparison.Ordinal) & 0xffff);
        return new ModelProfile(model, "cpu", 4, new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero), "hash-" + model,
            [new LatencyPoint(1, 0.5, 0.7, 50), new LatencyPoint(8, 1.5, 2.0, 50), new LatencyPoint(32, 4.0, 5.5, 50)],
            Enumerable.Range(0, items).Select(_ => random.NextSingle()).ToArray(),
            Enumerable.Range(0, items).Select(_ => random.Next(10) < 9).ToArray(),
            FanOut: null);
    }

    public static void AssertSame(ModelProfile expected, ModelProfile? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Model, actual.Model);
        Assert.Equal(expected.MeasuredAt, actual.MeasuredAt);
        Assert.Equal(expected.Latency, actual.Latency);
        Assert.Equal(expected.Confidence, actual.Confidence);
        Assert.Equal(expected.Correct, actual.Correct);
    }
}
