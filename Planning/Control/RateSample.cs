namespace Gearbox.Planning.Control;

/// <summary>
/// The entrance rate one monitoring window tells: requests/s over <see cref="SpanMs"/> of reported time
/// (the entrances' own intervals, so a window that got two reports of a drifting timer, or none, still reads true).
/// </summary>
public readonly record struct RateSample(double Rate, double SpanMs);
