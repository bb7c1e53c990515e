namespace Gearbox.Cli;

/// <summary>Minimal "--name value" / "--flag" parsing, with errors that name the bad option.</summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    public CliArgs(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) { Positional.Add(arg); continue; }
            var name = arg[2..];
            var eq = name.IndexOf('=');
            if (eq >= 0) _options[name[..eq]] = name[(eq + 1)..];
            else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal)) _options[name] = list[++i];
            else _options[name] = null;
        }
    }

    public List<string> Positional { get; } = [];

    public bool Flag(string name) => _options.ContainsKey(name);

    public string? String(string name) => _options.TryGetValue(name, out var v) ? v : null;

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = String(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, out var value) || value < min || value > max)
            throw new UsageException($"--{name} must be an integer in [{min}, {max}], not '{text}'.");
        return value;
    }

    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        var text = String(name);
        if (text is null) return fallback;
        if (!double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new UsageException($"--{name} must be a number in [{min}, {max}], not '{text}'.");
        return value;
    }
}

public sealed class UsageException(string message) : Exception(message);
