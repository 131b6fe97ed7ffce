namespace Phosphene.Models;

/// <summary>How the learning rate changes over the optimisation steps of a training run.</summary>
public enum LearningRateSchedule
{
    /// <summary>The base rate at every step.</summary>
    Constant,

    /// <summary>From the base rate at the first step linearly down to zero after the last step.</summary>
    LinearDecay,

    /// <summary>
    /// Half a cosine from the base rate down to zero (Loshchilov and Hutter 2017, "SGDR: Stochastic Gradient Descent
    /// with Warm Restarts", without restarts).
    /// </summary>
    Cosine,
}
