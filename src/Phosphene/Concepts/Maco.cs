using Phosphene.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Concepts;

/// <summary>
/// What a MaCo visualisation maximises: a neuron, a channel, a logit, or a direction (such as a CRAFT concept) in a
/// layer's activation space.
/// </summary>
public sealed class MacoTarget
{
    MacoTarget(string description, string? layer, Func<Tensor, Tensor> score)
    {
        Description = description;
        Layer = layer;
        Score = score;
    }

    /// <summary>Human-readable description, e.g. <c>channel 5 of features.6</c>.</summary>
    public string Description { get; }

    /// <summary>The layer whose activations are scored; null for logits.</summary>
    public string? Layer { get; }

    /// <summary>Maps activations B×… (or logits B×K) to one score per view (B).</summary>
    public Func<Tensor, Tensor> Score { get; }

    /// <summary>One unit: channel <paramref name="channel"/> at position (<paramref name="y"/>, <paramref name="x"/>)
    /// of a spatial layer (or unit <paramref name="channel"/> of a vector layer, with y = x = 0).</summary>
    public static MacoTarget Neuron(string layer, int channel, int y = 0, int x = 0) =>
        new($"neuron {channel} at ({y}, {x}) of {layer}", layer,
            a => a.dim() == 4 ? a[.., channel, y, x] : a[.., channel]);

    /// <summary>The mean of one channel over all positions.</summary>
    public static MacoTarget Channel(string layer, int channel) =>
        new($"channel {channel} of {layer}", layer, a => a.dim() == 4 ? a[.., channel].mean([1, 2]) : a[.., channel]);

    /// <summary>One class logit.</summary>
    public static MacoTarget Logit(int classIndex) => new($"logit {classIndex}", null, logits => logits[.., classIndex]);

    /// <summary>
    /// A direction v (c) in a layer's channel space: the dot product of the spatially averaged activations with v,
    /// times their cosine with v raised to <paramref name="cosinePower"/> (Olah et al. 2017's "direction" objective
    /// with the cosine weighting of feature-visualisation practice, so the image aligns with v instead of merely
    /// growing in norm).
    /// </summary>
    public static MacoTarget Direction(string layer, Tensor direction, double cosinePower = 1, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(direction);
        var v = direction.detach().to_type(ScalarType.Float32).flatten().clone();
        return new(description ?? $"direction in {layer}", layer, a =>
        {
            var pooled = a.dim() == 4 ? a.mean([2, 3]) : a;
            var dot = pooled.mv(v);
            if (cosinePower == 0) return dot;
            var cosine = dot / (pooled.norm(1) * v.norm() + 1e-8);
            return dot * cosine.clamp_min(1e-4).pow(cosinePower);
        });
    }

    /// <summary>CRAFT concept <paramref name="concept"/> of <paramref name="craft"/>: its direction in the concept bank.</summary>
    public static MacoTarget Concept(Craft craft, int concept)
    {
        ArgumentNullException.ThrowIfNull(craft);
        if (concept < 0 || concept >= craft.ConceptCount)
            throw new PhospheneException($"concept {concept} is outside 0 … {craft.ConceptCount - 1}");
        return Direction(craft.Split.Layer, craft.ConceptBank[concept], description: $"concept {concept} at {craft.Split.Layer}");
    }

    /// <inheritdoc />
    public override string ToString() => Description;
}

/// <summary>Options of <see cref="Maco.Visualize"/>.</summary>
public sealed record MacoOptions
{
    /// <summary>Optimisation steps (default 256).</summary>
    public int Steps { get; init; } = 256;

    /// <summary>Adam learning rate on the phase (default 1.0, as the paper).</summary>
    public double LearningRate { get; init; } = 1.0;

    /// <summary>Augmented views per step (default 8).</summary>
    public int Views { get; init; } = 8;

    /// <summary>Smallest random crop side as a share of the image (default 0.5; crops are resized back).</summary>
    public double MinCropScale { get; init; } = 0.5;

    /// <summary>Standard deviation of the Gaussian noise added to each view (default 0.05).</summary>
    public double Noise { get; init; } = 0.05;

    /// <summary>Seed of the initial phase and the augmentations (default 0).</summary>
    public long Seed { get; init; }
}

/// <summary>A MaCo visualisation.</summary>
/// <param name="Image">The image, C×S×S float32 in [0, 1].</param>
/// <param name="Transparency">The accumulated attribution of the image to the objective, S×S float32 in [0, 1]
/// (1 where the image matters most), for use as an alpha channel.</param>
/// <param name="Objective">The objective after each step.</param>
/// <param name="Target">What was maximised.</param>
public sealed record MacoResult(Tensor Image, Tensor Transparency, IReadOnlyList<double> Objective, string Target);

/// <summary>
/// MaCo, magnitude-constrained feature visualisation (Fel, Boissin, Boutin, Picard, Novello, Colin, Linsley,
/// Rousseau, Cadène, Goetschalckx, Gardes and Serre 2023, "Unlocking Feature Visualization for Deeper Networks with
/// MAgnitude Constrained Optimization", NeurIPS): only the Fourier phase of the image is optimised, its magnitude fixed.
/// </summary>
/// <remarks>
/// The image is x = σ(standardise(F⁻¹(m ⊙ e^{iφ}))) with the Fourier magnitude m fixed (by default the mean amplitude
/// spectrum of natural images from the dataset) and the phase φ optimised, over random crops with noise, by Adam
/// ascent on the target's score; the gradients of the objective with respect to the image, accumulated over the steps
/// (|∂score/∂x|), give the transparency map.
/// </remarks>
public static class Maco
{
    /// <summary>The mean Fourier amplitude spectrum of images N×C×S×S: C×S×(S/2+1) float32 (|rfft2| averaged).</summary>
    public static Tensor MeanAmplitude(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4) throw new PhospheneException($"images must be N×C×H×W, got [{string.Join(", ", images.shape)}]");
        using var scope = NewDisposeScope();
        return fft.rfft2(images.to_type(ScalarType.Float32)).abs().mean([0]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Optimises the Fourier phase so that <paramref name="target"/> is as large as possible.
    /// </summary>
    /// <param name="model">The network (switched to evaluation mode).</param>
    /// <param name="target">Neuron, channel, logit or direction.</param>
    /// <param name="magnitude">Fixed amplitude spectrum C×S×(S/2+1) (see <see cref="MeanAmplitude"/>); default a
    /// 1/f spectrum, the statistics of natural images.</param>
    /// <param name="options">Steps, learning rate, views, augmentation, seed.</param>
    /// <param name="progress">Receives steps done.</param>
    /// <param name="cancellation">Stops between steps.</param>
    public static MacoResult Visualize(ZooModel model, MacoTarget target, Tensor? magnitude = null, MacoOptions? options = null,
        IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(target);
        options ??= new MacoOptions();
        if (options.Steps < 1) throw new PhospheneException($"MaCo needs at least 1 step, got {options.Steps}");
        if (options.Views < 1) throw new PhospheneException($"MaCo needs at least 1 view per step, got {options.Views}");
        if (options.MinCropScale is <= 0 or > 1) throw new PhospheneException($"min crop scale must be in (0, 1], got {options.MinCropScale}");
        var split = target.Layer is null ? null : new ModelSplit(model, target.Layer);
        model.eval();
        int channels = model.Hyperparameters.InputChannels, size = model.Hyperparameters.ImageSize;
        long half = size / 2 + 1;

        using var scope = NewDisposeScope();
        var m = magnitude?.detach().to_type(ScalarType.Float32) ?? PowerLaw(channels, size);
        if (!m.shape.SequenceEqual(new long[] { channels, size, half }))
            throw new PhospheneException($"magnitude must be {channels}×{size}×{half} for {model.Architecture}, got [{string.Join(", ", m.shape)}]");
        using var generator = new Generator().manual_seed(options.Seed);
        var phase = ((rand([channels, size, half], generator: generator) * 2 - 1) * Math.PI).requires_grad_(true);
        var first = zeros_like(phase);
        var second = zeros_like(phase);
        var transparency = zeros(size, size);
        var history = new double[options.Steps];
        const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        for (int step = 1; step <= options.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var inner = NewDisposeScope();
            var image = Render(m, phase, size);                                           // C×S×S
            var views = Augment(image, options, generator, size);                        // V×C×S×S
            var output = split is null ? model.call(views) : split.Activations(views);
            var objective = target.Score(output).mean();
            var grads = autograd.grad([objective], [phase, image]);
            history[step - 1] = objective.item<float>();
            using (no_grad())
            {
                var g = grads[0];
                first.mul_(beta1).add_(g * (1 - beta1));
                second.mul_(beta2).add_(g.square() * (1 - beta2));
                var corrected1 = first / (1 - Math.Pow(beta1, step));
                var corrected2 = second / (1 - Math.Pow(beta2, step));
                phase.add_(corrected1 / (corrected2.sqrt() + epsilon) * options.LearningRate);   // ascent
                transparency.add_(grads[1].abs().sum([0]));
            }
            progress?.Report(step);
        }
        Tensor final;
        using (no_grad()) final = Render(m, phase, size);
        var peak = transparency.max().item<float>();
        var alpha = peak > 0 ? transparency / peak : ones_like(transparency);
        return new MacoResult(final.detach().MoveToOuterDisposeScope(), alpha.MoveToOuterDisposeScope(), history, target.Description);
    }

    // x = sigmoid(standardise(irfft2(m · e^{iφ}))), C×S×S in (0, 1).
    static Tensor Render(Tensor magnitude, Tensor phase, int size)
    {
        var spectrum = polar(magnitude, phase);
        var x = fft.irfft2(spectrum, s: [size, size]);
        x = (x - x.mean()) / (x.std() + 1e-5);
        return x.sigmoid();
    }

    // V views: random crops (side in [minScale, 1]·S, random position) resized back to S, plus Gaussian noise.
    static Tensor Augment(Tensor image, MacoOptions options, Generator generator, int size)
    {
        var views = new Tensor[options.Views];
        for (int v = 0; v < options.Views; v++)
        {
            double scale = options.MinCropScale + (1 - options.MinCropScale) * rand([1], generator: generator).item<float>();
            int side = Math.Clamp((int)Math.Round(scale * size), 2, size);
            int top = (int)randint(size - side + 1, [1], generator: generator).item<long>();
            int left = (int)randint(size - side + 1, [1], generator: generator).item<long>();
            var crop = image[.., top..(top + side), left..(left + side)].unsqueeze(0);
            views[v] = side == size ? crop
                : nn.functional.interpolate(crop, [size, size], mode: InterpolationMode.Bilinear, align_corners: false);
        }
        var batch = cat(views, 0);
        if (options.Noise > 0) batch = batch + randn(batch.shape, generator: generator) * options.Noise;
        return batch;
    }

    // A 1/f amplitude spectrum, C×S×(S/2+1): the average spectrum of natural images when no dataset is given.
    static Tensor PowerLaw(int channels, int size)
    {
        var fy = fft.fftfreq(size).abs().unsqueeze(1);
        var fx = fft.rfftfreq(size).unsqueeze(0);
        var radius = (fy.square() + fx.square()).sqrt().clamp_min(1.0 / size);
        return (1 / radius).unsqueeze(0).expand(channels, -1, -1).contiguous().to_type(ScalarType.Float32) * size;
    }
}
