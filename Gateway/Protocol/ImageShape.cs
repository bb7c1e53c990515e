namespace Gearbox.Gateway.Protocol;

/// <summary>
/// Checks an input's "shape" against the model's image side S. Accepted layouts, each S*S values per
/// item: [N,S,S], [N,1,S,S] (one channel) and [N,S*S] (flattened images). N is 1..MaxItems.
/// </summary>
internal static class ImageShape
{
    /// <returns>Null when the shape is accepted (with <paramref name="items"/> = N), else the error.</returns>
    public static ProtocolError? Validate(IReadOnlyList<long> shape, int side, string model, string pointer, out int items)
    {
        items = 0;
        // The messages are built only for a refused shape: an accepted one costs no strings.
        string text() => Format(shape);
        string accepted() => $"model '{model}' takes shape [N,{side},{side}], [N,1,{side},{side}] or [N,{side * side}]";
        long height, width;
        switch (shape.Count)
        {
            case 2:
                var length = shape[1];
                if (length == (long)side * side) { height = width = side; break; }
                var root = (long)Math.Round(Math.Sqrt(length));
                return root * root == length && root > 0
                    ? WrongSide(model, side, text(), root, root, pointer)
                    : ProtocolErrors.InvalidShape($"Shape {text()} does not hold flattened square images; {accepted()}.", pointer);
            case 3:
                (height, width) = (shape[1], shape[2]);
                break;
            case 4:
                if (shape[1] != 1)
                    return ProtocolErrors.InvalidShape($"Shape {text()} has {shape[1]} channels; {accepted()} (one grey channel).", pointer);
                (height, width) = (shape[2], shape[3]);
                break;
            default:
                return ProtocolErrors.InvalidShape($"Shape {text()} has rank {shape.Count}; {accepted()}.", pointer);
        }
        if (height != width)
            return ProtocolErrors.InvalidShape($"Shape {text()} holds {height}x{width} images, which are not square; {accepted()}.", pointer);
        if (height != side) return WrongSide(model, side, text(), height, width, pointer);
        if (shape[0] == 0)
            return ProtocolErrors.InvalidShape($"Shape {text()} holds no items; send at least one image.", pointer);
        if (shape[0] > ProtocolLimits.MaxItems)
            return ProtocolErrors.TooManyItems($"Shape {text()} holds {shape[0]} items; the limit is {ProtocolLimits.MaxItems} per request.", pointer);
        items = (int)shape[0];
        return null;
    }

    public static string Format(IReadOnlyList<long> shape) => "[" + string.Join(",", shape) + "]";

    private static ProtocolError WrongSide(string model, int side, string shape, long height, long width, string pointer) =>
        ProtocolErrors.WrongImageSide(
            $"Model '{model}' takes {side}x{side} images; shape {shape} holds {height}x{width} images.", pointer);
}
