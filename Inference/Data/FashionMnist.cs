namespace Gearbox.Data;

/// <summary>Fashion-MNIST split into train / validation / test, as stored in the dataset file.</summary>
public sealed record FashionMnist(ImageSet Train, ImageSet Validation, ImageSet Test, string Hash)
{
    public const int Side = 28;
    public const int Classes = 10;

    public static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
}
