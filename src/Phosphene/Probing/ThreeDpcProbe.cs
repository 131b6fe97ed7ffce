using System.Text.Json.Nodes;
using Phosphene.Results;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// The linear read-out protocol of the 3D-PC benchmark (Linsley et al. 2024, "The 3D-PC: a benchmark for visual
/// perspective taking in humans and machines"): BatchNorm without affine parameters → dropout → linear layer, trained
/// with AdamW (Loshchilov and Hutter 2019) on cross-entropy, with early stopping on a stratified validation split of
/// the training data; the weights of the epoch with the lowest validation loss are kept. Registry name <c>mlp-3dpc</c>.
/// </summary>
/// <remarks>
/// Trains in float32; the initial weights, the dropout masks and the mini-batch order all come from one generator seeded
/// with <see cref="Probe.Seed"/> (the global torch seed is neither used nor changed).
/// </remarks>
public sealed class ThreeDpcProbe : Probe
{
    Sequential? _network;
    long _classes;

    /// <inheritdoc />
    public override string Name => "mlp-3dpc";

    /// <inheritdoc />
    public override string Summary => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"3D-PC read-out: BatchNorm, dropout {Dropout}, linear layer trained by AdamW with early stopping");

    /// <inheritdoc />
    public override ProbeTask Task => ProbeTask.Classification;

    /// <summary>Dropout probability before the linear layer; default 0.5.</summary>
    public double Dropout { get; init; } = 0.5;

    /// <summary>AdamW learning rate; default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>AdamW decoupled weight decay; default 1e-2 (PyTorch's AdamW default).</summary>
    public double WeightDecay { get; init; } = 1e-2;

    /// <summary>Epoch limit; default 100.</summary>
    public int MaxEpochs { get; init; } = 100;

    /// <summary>Epochs without a lower validation loss before stopping; default 10.</summary>
    public int Patience { get; init; } = 10;

    /// <summary>Mini-batch size; default 128.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Fraction of the training data held out for early stopping; default 0.2.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Number of classes K; default the largest training label + 1.</summary>
    public int? Classes { get; init; }

    /// <summary>Epochs trained, and the epoch (1-based) whose weights were kept.</summary>
    public (int Epochs, int BestEpoch) Training { get; private set; }

    /// <inheritdoc />
    public override Probe CloneUnfitted() => new ThreeDpcProbe
    {
        Dropout = Dropout, LearningRate = LearningRate, WeightDecay = WeightDecay, MaxEpochs = MaxEpochs, Patience = Patience,
        BatchSize = BatchSize, ValidationFraction = ValidationFraction, Classes = Classes, PcaComponents = PcaComponents, Seed = Seed,
    };

    /// <inheritdoc />
    protected override void FitCore(Tensor features, Tensor labels)
    {
        if (!(Dropout >= 0 && Dropout < 1)) throw new PhospheneException($"mlp-3dpc probe: dropout must lie in [0, 1), got {Dropout}");
        if (!(ValidationFraction > 0 && ValidationFraction < 1))
            throw new PhospheneException($"mlp-3dpc probe: validation fraction must lie strictly between 0 and 1, got {ValidationFraction}");
        if (BatchSize < 1 || MaxEpochs < 1 || Patience < 1)
            throw new PhospheneException("mlp-3dpc probe: batch size, epochs and patience must each be at least 1");
        _classes = Math.Max(2, Classes ?? labels.max().item<long>() + 1);
        long d = features.shape[1];
        var (trainRows, validationRows) = ValidationSplit(labels);
        var x = features.to(ScalarType.Float32);
        var xTrain = x.index_select(0, trainRows);
        var yTrain = labels.index_select(0, trainRows);
        var xValid = x.index_select(0, validationRows);
        var yValid = labels.index_select(0, validationRows);

        // The probe's own generator draws the initial weights, the dropout masks and the batch order, so a fit does
        // not depend on (or disturb) the global torch seed that other code in the process uses.
        using var random = new Generator(unchecked((ulong)Seed));
        var norm = nn.BatchNorm1d(d, affine: false);
        var linear = nn.Linear(d, _classes, dtype: ScalarType.Float32);
        using (no_grad())
        {
            double bound = 1 / Math.Sqrt(d);                     // PyTorch's default nn.Linear initialisation
            linear.weight!.uniform_(-bound, bound, generator: random);
            linear.bias!.uniform_(-bound, bound, generator: random);
        }
        // Dropout sits between the two in training only (applied below); in evaluation the probe is norm → linear.
        var net = nn.Sequential(("norm", norm), ("linear", linear));
        using var optimizer = optim.AdamW(net.parameters(), LearningRate, weight_decay: WeightDecay);
        var shuffle = random;
        double bestLoss = double.PositiveInfinity;
        Dictionary<string, Tensor>? best = null;
        int epoch = 0, bestEpoch = 0;
        long n = xTrain.shape[0];
        for (epoch = 1; epoch <= MaxEpochs && epoch - bestEpoch <= Patience; epoch++)
        {
            net.train();
            using (var scope = NewDisposeScope())
            {
                var order = randperm(n, generator: shuffle);
                for (long start = 0; start < n; start += BatchSize)
                {
                    using var batchScope = NewDisposeScope();
                    var rows = order.narrow(0, start, Math.Min(BatchSize, n - start));
                    if (rows.shape[0] < 2) continue;             // batch norm needs two examples in training mode
                    optimizer.zero_grad();
                    var hidden = norm.call(xTrain.index_select(0, rows));
                    if (Dropout > 0)
                        hidden = hidden.mul(bernoulli(full_like(hidden, 1 - Dropout), generator: random)).div(1 - Dropout);
                    var loss = nn.functional.cross_entropy(linear.call(hidden), yTrain.index_select(0, rows));
                    loss.backward();
                    optimizer.step();
                }
            }
            net.eval();
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                double validationLoss = nn.functional.cross_entropy(net.call(xValid), yValid).item<float>();
                if (validationLoss < bestLoss - 1e-7)
                {
                    bestLoss = validationLoss;
                    bestEpoch = epoch;
                    if (best is not null) foreach (var t in best.Values) t.Dispose();
                    best = net.state_dict().ToDictionary(e => e.Key, e => e.Value.detach().clone().DetachFromDisposeScope());
                }
            }
        }
        if (best is not null)
        {
            net.load_state_dict(best);
            foreach (var t in best.Values) t.Dispose();
        }
        net.eval();
        _network = net;
        Training = (epoch - 1, bestEpoch);
    }

    (Tensor Train, Tensor Validation) ValidationSplit(Tensor labels)
    {
        long n = labels.shape[0];
        int folds = (int)Math.Clamp(Math.Round(1 / ValidationFraction), 2, n);
        if (n < 4) throw new PhospheneException($"mlp-3dpc probe needs at least 4 training examples for its validation split, got {n}");
        var fold = CrossValidation.StratifiedKFold(labels, folds, Seed)[0];
        return (tensor(fold.Train), tensor(fold.Test));
    }

    /// <inheritdoc />
    protected override Tensor DecisionCore(Tensor features)
    {
        using var noGrad = no_grad();
        return _network!.call(features.to(ScalarType.Float32)).to(ScalarType.Float64);
    }

    private protected override JsonObject Settings() => new()
    {
        ["dropout"] = Dropout, ["learningRate"] = LearningRate, ["weightDecay"] = WeightDecay, ["maxEpochs"] = MaxEpochs,
        ["patience"] = Patience, ["batchSize"] = BatchSize, ["validationFraction"] = ValidationFraction, ["classes"] = Classes,
    };

    internal static ThreeDpcProbe FromSettings(JsonObject s, int? pcaComponents, long seed) => new()
    {
        Dropout = (double)s["dropout"]!, LearningRate = (double)s["learningRate"]!, WeightDecay = (double)s["weightDecay"]!,
        MaxEpochs = (int)s["maxEpochs"]!, Patience = (int)s["patience"]!, BatchSize = (int)s["batchSize"]!,
        ValidationFraction = (double)s["validationFraction"]!, Classes = (int?)s["classes"], PcaComponents = pcaComponents, Seed = seed,
    };

    private protected override JsonObject FittedValues() => new()
    {
        ["classes"] = _classes, ["epochs"] = Training.Epochs, ["bestEpoch"] = Training.BestEpoch,
    };

    // The read-out's state: the normalisation's running statistics and the linear layer's weights.
    private protected override IEnumerable<(string, Tensor)> FittedTensors() =>
        _network!.state_dict().Select(p => ("network/" + p.Key, p.Value));

    private protected override void RestoreFitted(JsonObject values, Func<string, Tensor> tensor)
    {
        _classes = (long)values["classes"]!;
        Training = ((int)values["epochs"]!, (int)values["bestEpoch"]!);
        var net = nn.Sequential(("norm", nn.BatchNorm1d(FeatureCount, affine: false)),
                                ("linear", nn.Linear(FeatureCount, _classes, dtype: ScalarType.Float32)));
        using (no_grad())
            foreach (var (key, value) in net.state_dict())
            {
                using var saved = tensor("network/" + key);
                value.copy_(saved);
            }
        net.eval();
        _network = net;
    }

    /// <inheritdoc />
    protected override void ReleaseFitted()
    {
        _network?.Dispose();
        _network = null;
    }
}
