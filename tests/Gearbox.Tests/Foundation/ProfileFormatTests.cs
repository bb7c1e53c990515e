using Gearbox.Contracts.Profiles;
using Gearbox.Models;
using Gearbox.Inference;
using Gearbox.Profiling;

namespace Gearbox.Tests.Foundation;

public class ProfileFormatTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    private static ModelProfile Sample() => new(
        "mlp", "cpu", 1, DateTimeOffset.Parse("2026-11-23T00:00:00Z"), "abc",
        [new LatencyPoint(1, 1.0, 1.5, 10), new LatencyPoint(4, 2.5, 3.0, 10), new LatencyPoint(8, 4.0, 5.0, 10)],
        [0.9f, 0.4f, 0.99f], [true, false, true], null);

    [Fact]
    public void Profile_file_round_trips()
    {
        var files = new ProfileFile(SyntheticData.TempDirectory());
        files.Save(Sample());
        var read = files.Load("mlp");

        Assert.Equal(Sample().Latency, read.Latency);
        Assert.Equal(Sample().Confidence, read.Confidence);
        Assert.Equal(Sample().Correct, read.Correct);
        Assert.Equal(2 / 3.0, read.Accuracy, 6);
        Assert.Contains("\"formatVersion\":1", File.ReadAllText(files.PathOf("mlp")));
    }

    [Theory]
    [InlineData("{\"formatVersion\":2,\"profile\":{}}", "format version 2")]
    [InlineData("{\"formatVersion\":1,\"profile\":{\"model\":\"m\",\"latency\":[],\"confidence\":[0.5],\"correct\":[]}}", "equal length")]
    [InlineData("not json", "unreadable")]
    public void Bad_profile_files_are_refused_with_the_reason(string content, string reason)
    {
        var files = new ProfileFile(SyntheticData.TempDirectory());
        File.WriteAllText(files.PathOf("mlp"), content);
        var error = Assert.Throws<InvalidDataException>(() => files.Load("mlp"));
        Assert.Contains(reason, error.Message);
        Assert.Contains("./gearbox profile", error.Message);
    }

    [Fact]
    public void Latency_interpolates_between_measured_batch_sizes()
    {
        var profile = Sample();
        Assert.Equal(1.0, profile.LatencyMs(1));
        Assert.Equal(2.0, profile.LatencyMs(3), 6);
        Assert.Equal(8.0, profile.LatencyMs(16), 6);
    }

    [Fact]
    public void Profiler_measures_every_batch_size_and_every_validation_item()
    {
        using var engine = InferenceEngine.Load(tiny.Store, ModelZoo.Mlp);
        var pool = tiny.Test.ToFloats(0, 8);
        var latency = Profiler.MeasureLatency(engine, pool, 8, [1, 2, 16], warmup: 1, repetitions: 5);
        var (confidence, correct, fanOut) = Profiler.MeasureValidation(engine, TrainingData.Classes(tiny.Test));

        Assert.Equal(new[] { 1, 2, 16 }, latency.Select(l => l.BatchSize));
        Assert.All(latency, l => Assert.True(l.MedianMs > 0 && l.P95Ms >= l.MedianMs));
        Assert.Equal(tiny.Test.Count, confidence.Length);
        Assert.Equal(tiny.Metadata.TestAccuracy, correct.Count(c => c) / (double)correct.Length, 6);
        Assert.Null(fanOut);
    }
}
