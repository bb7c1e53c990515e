namespace Gearbox.Planning;

/// <summary>
/// What a cascade does with the validation items under one threshold vector: accuracy, the fraction
/// of items that reach each model (<c>Reach[0]</c> is 1) and the fraction each model answers.
/// </summary>
public sealed record CascadeOutcome(double Accuracy, double[] Reach, double[] Answered);
