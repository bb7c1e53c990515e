namespace Gearbox.Cli;

/// <summary>A one-line progress bar on stderr; on a non-terminal it prints a line every 10%.</summary>
public sealed class ProgressBar(string label)
{
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private int _lastDecile = -1;
    private DateTime _lastDraw = DateTime.MinValue;

    public void Update(double fraction, string detail = "")
    {
        fraction = Math.Clamp(fraction, 0, 1);
        if (_interactive)
        {
            if (DateTime.UtcNow - _lastDraw < TimeSpan.FromMilliseconds(100) && fraction < 1) return;
            _lastDraw = DateTime.UtcNow;
            const int width = 30;
            var filled = (int)(fraction * width);
            Console.Error.Write($"\r{label,-12} [{new string('#', filled)}{new string('.', width - filled)}] {fraction,4:P0} {detail}   ");
            return;
        }
        var decile = (int)(fraction * 10);
        if (decile == _lastDecile) return;
        _lastDecile = decile;
        Console.Error.WriteLine($"{label,-12} {fraction,4:P0} {detail}");
    }

    public void Done(string summary)
    {
        if (_interactive) Console.Error.WriteLine();
        Console.Error.WriteLine($"{label,-12} done: {summary}");
    }
}
