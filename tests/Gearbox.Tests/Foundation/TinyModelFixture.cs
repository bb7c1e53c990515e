using Gearbox.Models;

namespace Gearbox.Tests.Foundation;

/// <summary>An MLP trained for one epoch on synthetic images, saved to a temp model store; shared by a test class.</summary>
public sealed class TinyModelFixture
{
    public TinyModelFixture()
    {
        Store = new ModelStore(SyntheticData.TempDirectory());
        var train = TrainingData.Classes(SyntheticData.Images(600, 11));
        Test = SyntheticData.Images(200, 12);
        var (module, metadata) = Trainer.Train(ModelZoo.Mlp, train, TrainingData.Classes(Test), "synthetic", seed: 5, epochs: 2);
        Store.Save(module, metadata);
        module.Dispose();
        Metadata = metadata;
    }

    public ModelStore Store { get; }
    public ModelMetadata Metadata { get; }
    public Gearbox.Data.ImageSet Test { get; }
}
