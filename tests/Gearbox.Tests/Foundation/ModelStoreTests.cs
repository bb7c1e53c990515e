using System.Text.Json;
using Gearbox.Inference;
using Gearbox.Models;

namespace Gearbox.Tests.Foundation;

public class ModelStoreTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Training_learns_the_synthetic_task_and_records_metadata()
    {
        Assert.True(tiny.Metadata.TestAccuracy > 0.9, $"accuracy {tiny.Metadata.TestAccuracy}");
        Assert.Equal(784 * 128 + 128 + 128 * 10 + 10, tiny.Metadata.Parameters);
        Assert.Equal("synthetic", tiny.Metadata.DataHash);
        Assert.Equal(new long[] { 1, 28, 28 }, tiny.Metadata.InputShape);
    }

    [Fact]
    public void Saved_model_loads_back_with_the_same_answers_and_accuracy()
    {
        using var engine = InferenceEngine.Load(tiny.Store, ModelZoo.Mlp);
        var inputs = tiny.Test.ToFloats(0, tiny.Test.Count);
        var output = engine.Infer(inputs, tiny.Test.Count);
        var accuracy = Enumerable.Range(0, tiny.Test.Count).Count(i => output.Labels[i] == tiny.Test.Labels[i]) / (double)tiny.Test.Count;

        Assert.Equal(tiny.Metadata.TestAccuracy, accuracy, 6);
    }

    [Fact]
    public void Weights_saved_under_another_architecture_are_refused_clearly()
    {
        var store = new ModelStore(SyntheticData.TempDirectory());
        File.Copy(tiny.Store.WeightsPath("mlp"), store.WeightsPath("cnn-small"));
        var metadata = tiny.Metadata with { Name = "cnn-small" };
        File.WriteAllText(store.MetadataPath("cnn-small"), JsonSerializer.Serialize(metadata, new JsonSerializerOptions(JsonSerializerDefaults.Web)));

        var error = Assert.Throws<ModelLoadException>(() => store.Load(ModelZoo.SmallCnn));
        Assert.Contains("does not match the code", error.Message);
        Assert.Contains("./gearbox train", error.Message);
    }

    [Fact]
    public void Missing_model_says_how_to_train_it()
    {
        var store = new ModelStore(SyntheticData.TempDirectory());
        var error = Assert.Throws<ModelLoadException>(() => store.Load(ModelZoo.LargeCnn));
        Assert.Contains("cnn-large", error.Message);
        Assert.Contains("./gearbox train", error.Message);
    }
}
