namespace Gearbox.Storage;

/// <summary>The rules every store applies to a (partition, key), so both implementations accept the same addresses.</summary>
public static class DocumentAddress
{
    /// <summary>Azure row keys hold 1 KiB; escaping can triple a character, so keep raw names well inside.</summary>
    public const int MaxLength = 256;

    public static void Validate(string partition, string key)
    {
        Check(partition, nameof(partition));
        Check(key, nameof(key));
    }

    private static void Check(string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value, what);
        if (value.Length == 0 || value.Length > MaxLength)
            throw new ArgumentException($"A document {what} must have 1 to {MaxLength} characters; got {value.Length}.", what);
    }
}
