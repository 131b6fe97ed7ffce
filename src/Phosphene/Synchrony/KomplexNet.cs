using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>The KomplexNet family: the model and its two baselines (Muzellec et al. 2025).</summary>
public enum KomplexVariant
{
    /// <summary>Complex-valued network whose first-layer phases evolve by convolutional Kuramoto steps.</summary>
    Feedforward,
    /// <summary>As <see cref="Feedforward"/>, with a top-down term: the second layer's complex activity, projected back, also pulls the first-layer phases.</summary>
    Feedback,
    /// <summary>Baseline: the same complex network with no Kuramoto steps (phases stay at their random start).</summary>
    ComplexWithoutKuramoto,
    /// <summary>Baseline: the same convolutions on real activations (no phases).</summary>
    Real,
}

/// <summary>KomplexNet's architecture (defaults sized for two-object 48×48 Fashion-MNIST composites on a CPU).</summary>
public sealed record KomplexNetOptions
{
    /// <summary>Which variant (default feedforward).</summary>
    public KomplexVariant Variant { get; init; } = KomplexVariant.Feedforward;
    /// <summary>Input channels (default 1).</summary>
    public int InputChannels { get; init; } = 1;
    /// <summary>Channels of the first (oscillator) layer C; deeper layers have 2C (default 16).</summary>
    public int Channels { get; init; } = 16;
    /// <summary>Output classes (default 10).</summary>
    public int Classes { get; init; } = 10;
    /// <summary>Kuramoto steps on the first layer (default 8; ignored by the baselines).</summary>
    public int KuramotoSteps { get; init; } = 8;
    /// <summary>Step size ε of the Kuramoto update (default 0.5).</summary>
    public double StepSize { get; init; } = 0.5;
    /// <summary>Side of the (learned) coupling kernel (default 5, odd).</summary>
    public int CouplingKernel { get; init; } = 5;
    /// <summary>Seed of the initial phases, drawn afresh (and identically) at every forward pass (default 0).</summary>
    public long PhaseSeed { get; init; }
    /// <summary>Side G of the read-out grid: the last layer's magnitudes are average-pooled to G×G before the linear
    /// classifier, so the read-out keeps coarse position (default 3; 1 is global average pooling).</summary>
    public int ReadoutGrid { get; init; } = 3;
    /// <summary>Initial strength κ of the global inhibition (learned with the rest): each unit's phase is also pushed
    /// away from the layer's mean field, so groups that the local coupling locks drift apart rather than merge
    /// (default 1; 0 starts with local coupling alone). A lone object's own mean field is all it can push against: with
    /// κ as large as the coupling kernel's sum it keeps that object from locking, so it pays off with two objects or more.</summary>
    public double GlobalInhibition { get; init; } = 1.0;
    /// <summary>Weight λ of the object-synchrony term in the training loss (<see cref="KomplexNetTrainer.ObjectSynchronyLoss"/>:
    /// each object's units in phase, the two objects apart), which uses the object masks, as the paper's end-to-end
    /// training does (default 1; 0 trains on the labels alone; ignored by the baselines, whose phases cannot move).</summary>
    public double SynchronyWeight { get; init; } = 1.0;

    /// <summary>A culture-invariant text naming every option, used to key cached checkpoints.</summary>
    public string CacheKey => FormattableString.Invariant(
        $"komplexnet;variant={Variant};in={InputChannels};c={Channels};classes={Classes};steps={KuramotoSteps};eps={StepSize:R};kernel={CouplingKernel};phase-seed={PhaseSeed};grid={ReadoutGrid};inhibition={GlobalInhibition:R};synchrony-weight={SynchronyWeight:R}");

    /// <summary>Checks every option.</summary>
    public void Validate()
    {
        static PhospheneException Invalid(string setting, object value, string requirement) =>
            Phosphene.Invalid.Setting(nameof(KomplexNetOptions), setting, value, requirement);
        if (InputChannels < 1) throw Invalid(nameof(InputChannels), InputChannels, "at least 1");
        if (Channels < 1) throw Invalid(nameof(Channels), Channels, "at least 1");
        if (Classes < 2) throw Invalid(nameof(Classes), Classes, "at least 2");
        if (KuramotoSteps < 0) throw Invalid(nameof(KuramotoSteps), KuramotoSteps, "at least 0");
        if (CouplingKernel < 1 || CouplingKernel % 2 == 0) throw Invalid(nameof(CouplingKernel), CouplingKernel, "an odd size");
        if (ReadoutGrid < 1) throw Invalid(nameof(ReadoutGrid), ReadoutGrid, "at least 1");
        if (!(StepSize > 0)) throw Invalid(nameof(StepSize), StepSize, "positive");
        if (!double.IsFinite(GlobalInhibition)) throw Invalid(nameof(GlobalInhibition), GlobalInhibition, "finite");
        if (!(SynchronyWeight >= 0) || double.IsInfinity(SynchronyWeight)) throw Invalid(nameof(SynchronyWeight), SynchronyWeight, "0 or a positive number");
    }
}

/// <summary>What a KomplexNet forward pass computes: logits and the first layer's amplitudes and phases (for phase maps).</summary>
/// <param name="Logits">B×K multi-label logits.</param>
/// <param name="Amplitude">First-layer amplitudes a ≥ 0, B×C×H×W (H, W half the input's).</param>
/// <param name="Phases">First-layer phases θ after the Kuramoto steps, B×C×H×W (zeros for the real baseline).</param>
public sealed record KomplexOutput(Tensor Logits, Tensor Amplitude, Tensor Phases);

/// <summary>
/// KomplexNet (Muzellec, Alamia, Serre and VanRullen 2025, "Enhancing deep neural networks through complex-valued
/// representations and Kuramoto synchronization dynamics"): amplitudes a = ReLU(conv(x)) say what is present, phases θ
/// synchronise by convolutional Kuramoto steps, and complex layers on z = a e^{iθ} feed a linear classifier whose two
/// highest logits name the two objects. Variants: <see cref="KomplexVariant"/>.
/// </summary>
/// <remarks>
/// <para>Phases start at random and evolve by Kuramoto steps weighted by b = tanh a,
/// θ ← θ + ε (cos θ · S − sin θ · C) with S = W⋆(b sin θ) − κ⟨b sin θ⟩, C = W⋆(b cos θ) − κ⟨b cos θ⟩, where W is a
/// learned local coupling kernel and ⟨·⟩ = Σ·/Σb the mean field of the active units, weighted by κ (a learned global
/// inhibition): units of one object lock together through W while the inhibition pushes groups apart, as in the
/// paper's update (local kernel minus a global term). Trained with the object-synchrony term of
/// <see cref="KomplexNetTrainer.ObjectSynchronyLoss"/>, W and κ learn to put each object in one phase and the two
/// objects apart.</para>
/// <para>Complex layers apply real convolutions to z: aligned phases add, opposed phases cancel. Each keeps the phase
/// of W⋆z and sets its magnitude to ReLU(½|W⋆z| + ½ W⋆|z| + b): the synchrony term |W⋆z| plus the classic term W⋆|z|
/// that sees the amplitudes whatever their phases (the magnitude rule of the Complex AutoEncoder, Löwe, Lippe, Rudolph
/// and Welling 2022). Without the classic term a network whose phases start random sees mostly cancellation noise and
/// learns very slowly.</para>
/// <para>The read-out is the last magnitudes, average-pooled to a <see cref="KomplexNetOptions.ReadoutGrid"/> grid and
/// batch-normalised (the pooled magnitudes of mostly empty canvases are small and alike from image to image; without
/// the normalisation training crawls), into the linear classifier.</para>
/// <para>Initial weights are drawn from the network's own generator seeded by the constructor's seed (He-uniform for the
/// convolutions, which feed ReLUs; PyTorch's default bound 1/√fan-in for the classifier), never from the global
/// torch RNG, so networks built in parallel with equal seeds are identical.</para>
/// </remarks>
public sealed class KomplexNet : nn.Module<Tensor, Tensor>
{
    readonly Conv2d amplitude, complex1, complex2, feedback;
    readonly Parameter coupling, inhibition, bias1, bias2;
    readonly BatchNorm1d readoutNorm;
    readonly Linear head;

    /// <summary>The options the network was built with.</summary>
    public KomplexNetOptions Options { get; }

    /// <summary>Builds the network, weights drawn from a generator seeded by <paramref name="seed"/>; it starts in
    /// evaluation mode (<see cref="KomplexNetTrainer.Train"/> switches to training mode and back).</summary>
    /// <exception cref="PhospheneException">Invalid options.</exception>
    public KomplexNet(KomplexNetOptions? options = null, long seed = 0) : base("komplexnet")
    {
        Options = options ?? new KomplexNetOptions();
        Options.Validate();
        int c = Options.Channels, k = Options.CouplingKernel, g = Options.ReadoutGrid;
        // TorchSharp's layer constructors draw default weights from the global generator: hold it (so another
        // thread's seeded draws are not disturbed) while they do. Every weight is redrawn below from our own generator.
        using (GlobalRandomScope.Seed(seed))
        {
            amplitude = nn.Conv2d(Options.InputChannels, c, 5, stride: 2, padding: 2);
            complex1 = nn.Conv2d(c, 2 * c, 3, padding: 1, bias: false);
            complex2 = nn.Conv2d(2 * c, 2 * c, 3, padding: 1, bias: false);
            feedback = nn.Conv2d(2 * c, c, 1, bias: false);
            readoutNorm = nn.BatchNorm1d(2 * c * g * g);
            head = nn.Linear(2 * c * g * g, Options.Classes);
        }
        // Positive, local coupling to start with: neighbours pull each other into phase.
        coupling = nn.Parameter(full(c, c, k, k, 1.0 / (c * k * k)));
        inhibition = nn.Parameter(tensor((float)Options.GlobalInhibition));
        bias1 = nn.Parameter(zeros(2 * c, 1, 1));
        bias2 = nn.Parameter(zeros(2 * c, 1, 1));
        RegisterComponents();
        using var generator = new Generator(unchecked((ulong)seed));
        using (no_grad())
        {
            foreach (var conv in new[] { amplitude, complex1, complex2, feedback })
            {
                double fanIn = conv.weight!.shape[1] * conv.weight.shape[2] * conv.weight.shape[3];
                conv.weight.uniform_(-Math.Sqrt(6 / fanIn), Math.Sqrt(6 / fanIn), generator);
                conv.bias?.zero_();
            }
            double bound = 1 / Math.Sqrt(head.weight!.shape[1]);
            head.weight.uniform_(-bound, bound, generator);
            head.bias!.uniform_(-bound, bound, generator);
        }
        eval();
    }

    /// <summary>Multi-label logits B×K for images B×C×S×S (S even). Call <c>eval()</c> before inference: the
    /// read-out's batch normalisation uses batch statistics in training mode.</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return Run(images).Logits.MoveToOuterDisposeScope();
    }

    /// <summary>The full forward pass: logits and first-layer amplitudes and phases.</summary>
    /// <exception cref="PhospheneException">Images that are not float32 B×C×S×S with the configured channels.</exception>
    public KomplexOutput Run(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != Options.InputChannels || images.dtype != ScalarType.Float32)
            throw new PhospheneException(
                $"KomplexNet takes float32 B×{Options.InputChannels}×H×W images, got {images.dtype} [{string.Join(", ", images.shape)}]");
        using var scope = NewDisposeScope();
        var a = nn.functional.relu(amplitude.call(images));
        long grid = Options.ReadoutGrid;
        Tensor logits, theta;
        if (Options.Variant == KomplexVariant.Real)
        {
            var h1 = nn.functional.relu(complex1.call(a) + bias1);
            var h2 = nn.functional.relu(complex2.call(nn.functional.avg_pool2d(h1, 2)) + bias2);
            logits = head.call(readoutNorm.call(nn.functional.adaptive_avg_pool2d(h2, [grid, grid]).flatten(1)));
            theta = zeros_like(a);
        }
        else
        {
            using (var generator = new Generator(unchecked((ulong)Options.PhaseSeed)))
                theta = empty_like(a).uniform_(0, 2 * Math.PI, generator);
            int steps = Options.Variant == KomplexVariant.ComplexWithoutKuramoto ? 0 : Options.KuramotoSteps;
            long pad = Options.CouplingKernel / 2;
            // Coupling weights saturate (tanh a), so a strong feature does not dominate its neighbourhood.
            var weight = a.tanh();
            // The inhibition acts against the mean field of the active units (not of the whole, mostly empty, canvas).
            var mass = weight.sum([1, 2, 3], keepdim: true).clamp_min(1e-6);
            for (int i = 0; i < steps; i++)
            {
                var sin = theta.sin();
                var cos = theta.cos();
                var ws = weight * sin;
                var wc = weight * cos;
                var s = nn.functional.conv2d(ws, coupling, padding: [pad, pad]) - inhibition * ws.sum([1, 2, 3], keepdim: true) / mass;
                var c = nn.functional.conv2d(wc, coupling, padding: [pad, pad]) - inhibition * wc.sum([1, 2, 3], keepdim: true) / mass;
                var drive = cos * s - sin * c;
                if (Options.Variant == KomplexVariant.Feedback)
                {
                    // Top-down: the second layer's complex activity, projected to the first layer's channels.
                    var (re1, im1, _) = ComplexLayer(a * cos, a * sin, a, complex1, bias1);
                    drive = drive + cos * feedback.call(im1) - sin * feedback.call(re1);
                }
                theta = theta + Options.StepSize * drive;
            }
            var (re, im, magnitude) = ComplexLayer(a * theta.cos(), a * theta.sin(), a, complex1, bias1);
            (_, _, magnitude) = ComplexLayer(nn.functional.avg_pool2d(re, 2), nn.functional.avg_pool2d(im, 2),
                                             nn.functional.avg_pool2d(magnitude, 2), complex2, bias2);
            logits = head.call(readoutNorm.call(nn.functional.adaptive_avg_pool2d(magnitude, [grid, grid]).flatten(1)));
        }
        return new KomplexOutput(logits.MoveToOuterDisposeScope(), a.MoveToOuterDisposeScope(), theta.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// A complex layer with real weights W on z = re + i·im whose magnitudes are <paramref name="amplitude"/> (|z|):
    /// u = W⋆re + i W⋆im (aligned phases add, opposed cancel) keeps its phase, and its magnitude becomes
    /// m = ReLU(½|u| + ½ W⋆|z| + b). Returns the real and imaginary parts m·u/|u| and m.
    /// </summary>
    public static (Tensor Re, Tensor Im, Tensor Magnitude) ComplexLayer(Tensor re, Tensor im, Tensor amplitude, Conv2d weights, Tensor bias)
    {
        var ur = weights.call(re);
        var ui = weights.call(im);
        var synchrony = Magnitude(ur, ui);
        var magnitude = nn.functional.relu(0.5 * synchrony + 0.5 * weights.call(amplitude) + bias);
        var scale = magnitude / synchrony;
        return (ur * scale, ui * scale, magnitude);
    }

    /// <summary>|re + i·im|, with a tiny floor so the gradient stays finite at 0.</summary>
    public static Tensor Magnitude(Tensor re, Tensor im) => (re * re + im * im + 1e-8).sqrt();

    /// <summary>
    /// Synchrony per object: the amplitude-weighted coherence of the first-layer phases inside each object's mask
    /// (masks B×2×S×S, max-pooled to the layer's H×W; pixels where both objects lie are left out), and the phase
    /// distance |ψ₁ − ψ₂| in [0, π] between the two objects' mean phases. Returns (B×2 coherence, B distance).
    /// </summary>
    public static (Tensor Coherence, Tensor Separation) ObjectSynchrony(KomplexOutput output, Tensor masks)
    {
        using var scope = NewDisposeScope();
        var weight = ObjectWeights(output, masks);
        var re = (weight * output.Phases.cos().unsqueeze(1)).sum([2, 3, 4]);
        var im = (weight * output.Phases.sin().unsqueeze(1)).sum([2, 3, 4]);
        var total = weight.sum([2, 3, 4]).clamp_min(1e-8);
        var coherence = (re * re + im * im).sqrt() / total;
        var psi = atan2(im, re);
        var gap = psi.select(1, 0) - psi.select(1, 1);
        var separation = atan2(gap.sin(), gap.cos()).abs();
        return (coherence.MoveToOuterDisposeScope(), separation.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// How much each first-layer unit counts for each object: its amplitude inside the object's own pixels (masks
    /// B×2×S×S max-pooled to the layer's H×W; pixels of both objects count for neither), 0 elsewhere. B×2×C×H×W.
    /// </summary>
    /// <exception cref="PhospheneException">Masks that are not B×2×S×S for the output's images.</exception>
    public static Tensor ObjectWeights(KomplexOutput output, Tensor masks)
    {
        if (masks.dim() != 4 || masks.shape[1] != 2 || masks.shape[0] != output.Phases.shape[0])
            throw new PhospheneException($"object masks must be B×2×S×S for the {output.Phases.shape[0]} images, got [{string.Join(", ", masks.shape)}]");
        using var scope = NewDisposeScope();
        long h = output.Phases.shape[2], w = output.Phases.shape[3];
        var m = nn.functional.adaptive_max_pool2d(masks, [h, w]);
        var only = m * (1 - m.flip(1));                                     // exclude the shared pixels
        return (output.Amplitude.unsqueeze(1) * only.unsqueeze(2)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Phase maps of the first layer as RGB images B×3×H×W in [0, 1]: per pixel the channels' complex activity
    /// Σ_c a_c e^{iθ_c} gives the hue (its phase) and the brightness (its magnitude over the image's maximum), so
    /// background is dark and pixels in synchrony share a colour.
    /// </summary>
    public static Tensor PhaseMaps(KomplexOutput output)
    {
        using var scope = NewDisposeScope();
        var re = (output.Amplitude * output.Phases.cos()).sum(1);
        var im = (output.Amplitude * output.Phases.sin()).sum(1);
        var value = (re * re + im * im).sqrt();
        value = value / value.flatten(1).amax([1]).clamp_min(1e-8).view(-1, 1, 1);
        var hue = (atan2(im, re) / (2 * Math.PI)).remainder(1.0) * 6;            // [0, 6)
        var r = ((hue - 3).abs() - 1).clamp(0, 1);
        var g = (2 - (hue - 2).abs()).clamp(0, 1);
        var b = (2 - (hue - 4).abs()).clamp(0, 1);
        return (stack([r, g, b], 1) * value.unsqueeze(1)).MoveToOuterDisposeScope();
    }
}
