namespace Gearbox.Planning;

/// <summary>The inputs admit no plan (accuracy floor too high, SLO too tight, budget too small); the message says why.</summary>
public sealed class PlanningImpossibleException(string reason) : Exception(reason);
