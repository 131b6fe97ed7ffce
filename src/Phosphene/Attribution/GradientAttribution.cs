using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// The white-box family: methods built from gradients of the explained score with respect to the input (or to a
/// layer's activations). Their maps can be low-pass filtered with <see cref="ForGrad"/>.
/// </summary>
public abstract class GradientAttribution : AttributionMethod
{
    /// <summary>Gradients of each input's explained score, float32 N×C×H×W, computed in batches.</summary>
    protected static Tensor InputGradients(AttributionRun run, Tensor inputs, Tensor targets)
    {
        run.Expect(inputs.shape[0]);
        var gradients = new List<Tensor>();
        foreach (var (start, length) in run.Batches(inputs.shape[0]))
            gradients.Add(run.Gradients(inputs.narrow(0, start, length), targets.narrow(0, start, length)).Gradients);
        return gradients.Count == 1 ? gradients[0] : cat(gradients, 0); // one batch: no copy
    }

    /// <summary>Channel reduction of Simonyan et al.: the largest absolute value over channels, N×C×H×W → N×H×W.</summary>
    protected static Tensor MaxAbsOverChannels(Tensor values) => values.abs().amax([1L]);

    /// <summary>Channel reduction that keeps completeness: the sum over channels, N×C×H×W → N×H×W.</summary>
    protected static Tensor SumOverChannels(Tensor values) => values.sum(1);

    /// <summary>Expands an image-level value (N×C×H×W, C×H×W or a scalar) to the inputs' N×C×H×W shape.</summary>
    /// <exception cref="PhospheneException">The shapes do not broadcast.</exception>
    protected Tensor ExpandBaseline(Tensor? baseline, double value, Tensor inputs)
    {
        if (baseline is null) return full_like(inputs, value);
        var b = baseline.to_type(ScalarType.Float32);
        if (b.dim() == 3) b = b.unsqueeze(0);
        if (b.dim() != 4 || b.shape[1] != inputs.shape[1] || b.shape[2] != inputs.shape[2] || b.shape[3] != inputs.shape[3]
            || !(b.shape[0] == 1 || b.shape[0] == inputs.shape[0]))
            throw new PhospheneException(
                $"{Name}: the baseline must be C×H×W or N×C×H×W like the inputs [{string.Join(", ", inputs.shape)}], " +
                $"got [{string.Join(", ", baseline.shape)}]");
        return b.expand_as(inputs).contiguous();
    }
}
