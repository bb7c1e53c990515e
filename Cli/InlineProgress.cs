namespace Gearbox.Cli;

/// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
