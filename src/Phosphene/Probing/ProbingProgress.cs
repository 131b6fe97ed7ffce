namespace Phosphene.Probing;

/// <summary>Progress of a probing run: which stage, and how far through it.</summary>
/// <param name="Stage">What is running, e.g. <c>capture</c> or <c>probe features.6</c>.</param>
/// <param name="Done">Units finished (examples captured, folds or layers done).</param>
/// <param name="Total">Units in the stage.</param>
public sealed record ProbingProgress(string Stage, long Done, long Total);
