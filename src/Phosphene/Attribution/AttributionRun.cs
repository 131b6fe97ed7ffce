using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// One <see cref="AttributionMethod.Attribute"/> call's access to the model: batched forward passes (scores) and
/// forward + backward passes (gradients) of the explained scalar, with progress and cancellation between batches.
/// </summary>
public sealed class AttributionRun
{
    readonly AttributionMethod _method;
    readonly IProgress<AttributionProgress>? _progress;
    long _done, _total;
    long _targetMin, _targetMax;
    bool _outputsChecked;

    internal AttributionRun(AttributionMethod method, nn.Module<Tensor, Tensor> model, IProgress<AttributionProgress>? progress,
                            CancellationToken cancellation)
    {
        this._method = method;
        Model = model;
        this._progress = progress;
        Cancellation = cancellation;
    }

    /// <summary>The model, in evaluation mode for the call.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>The method's <see cref="AttributionMethod.BatchSize"/>.</summary>
    public int BatchSize => _method.BatchSize;

    /// <summary>Observed between batches.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>The caller's progress sink, for methods that delegate to another method (e.g. <see cref="ForGrad"/>).</summary>
    public IProgress<AttributionProgress>? Progress => _progress;

    /// <summary>Announces how many inputs the call will evaluate in all (for progress).</summary>
    public void Expect(long evaluations)
    {
        _total = evaluations;
        _done = 0;
        _progress?.Report(new AttributionProgress(_method.Name, 0, _total));
    }

    /// <summary>The explained score of each of the B ≤ batch-size <paramref name="inputs"/>: float32 B, no gradient.</summary>
    /// <param name="inputs">float32 B×C×H×W.</param>
    /// <param name="targets">int64 B.</param>
    public Tensor Scores(Tensor inputs, Tensor targets)
    {
        Cancellation.ThrowIfCancellationRequested();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var scores = _method.Head.Select(Forward(inputs), targets).to_type(ScalarType.Float32);
        Advance(inputs.shape[0]);
        return scores.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The gradient of each input's explained score with respect to that input (inputs are independent in evaluation
    /// mode, so one backward pass of the summed scores gives them all), and the scores.
    /// </summary>
    /// <param name="inputs">float32 B×C×H×W, B ≤ batch size.</param>
    /// <param name="targets">int64 B.</param>
    /// <returns>Gradients float32 B×C×H×W and scores float32 B, both detached.</returns>
    public (Tensor Gradients, Tensor Scores) Gradients(Tensor inputs, Tensor targets)
    {
        Cancellation.ThrowIfCancellationRequested();
        using var scope = NewDisposeScope();
        using var _ = enable_grad();
        var x = inputs.detach().requires_grad_(true);
        var scores = _method.Head.Select(Forward(x), targets);
        if (!scores.requires_grad)
            throw new PhospheneException(
                $"{_method.Name}: the model's output does not depend differentiably on its input; use a black-box method");
        var gradient = autograd.grad([scores.sum()], [x])[0];
        Advance(inputs.shape[0]);
        return (gradient.detach().MoveToOuterDisposeScope(), scores.detach().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The activations of <paramref name="layer"/> (its output at its last call in the forward pass) and the gradient
    /// of each input's explained score with respect to them. The layer's output is swapped, through a forward hook
    /// removed afterwards, for a leaf tensor that the rest of the network consumes, so the backward pass stops there.
    /// </summary>
    /// <param name="layer">A submodule of the model.</param>
    /// <param name="inputs">float32 B×C×H×W, B ≤ batch size.</param>
    /// <param name="targets">int64 B.</param>
    /// <returns>Activations and gradients with the layer's output shape, detached.</returns>
    public (Tensor Activations, Tensor Gradients) LayerGradients(nn.Module<Tensor, Tensor> layer, Tensor inputs, Tensor targets)
    {
        Cancellation.ThrowIfCancellationRequested();
        using var scope = NewDisposeScope();
        using var _ = enable_grad();
        Tensor? leaf = null;
        var hook = layer.register_forward_hook((_, _, output) =>
        {
            leaf = output.detach().requires_grad_(true);
            return leaf.alias();
        });
        Tensor scores;
        try
        {
            scores = _method.Head.Select(Forward(inputs.detach()), targets);
        }
        finally
        {
            hook.remove();
        }
        if (leaf is null)
            throw new PhospheneException($"{_method.Name}: the layer was not called in the model's forward pass; pick a layer on the path to the output");
        var gradient = autograd.grad([scores.sum()], [leaf], allow_unused: true)[0];
        if (gradient is null || gradient.IsInvalid)
            throw new PhospheneException($"{_method.Name}: the explained score does not depend on the layer; pick a layer on the path to the output");
        Advance(inputs.shape[0]);
        return (leaf.detach().MoveToOuterDisposeScope(), gradient.detach().MoveToOuterDisposeScope());
    }

    /// <summary>The raw model output for <paramref name="inputs"/>, failures reported as a <see cref="PhospheneException"/>.</summary>
    public Tensor Forward(Tensor inputs)
    {
        try
        {
            var outputs = Model.call(inputs);
            if (!_outputsChecked)
                CheckOutputs(inputs, outputs);
            return outputs;
        }
        catch (Exception e) when (e is not PhospheneException and not OperationCanceledException)
        {
            throw new PhospheneException(
                $"{_method.Name}: the model failed on inputs [{string.Join(", ", inputs.shape)}]: {e.Message}", e);
        }
    }

    // The targets' range, checked against the model's number of outputs at the first forward pass (no extra pass).
    internal void ExpectTargets(Tensor targets)
    {
        _targetMin = targets.min().item<long>();
        _targetMax = targets.max().item<long>();
    }

    void CheckOutputs(Tensor inputs, Tensor outputs)
    {
        if (outputs.dim() != 2 || outputs.shape[0] != inputs.shape[0])
            throw new PhospheneException(
                $"{_method.Name}: the model must map N×C×H×W inputs to N×K scores; for {inputs.shape[0]} inputs it gave [{string.Join(", ", outputs.shape)}]");
        long classes = outputs.shape[1];
        if (_targetMin < 0 || _targetMax >= classes)
            throw new PhospheneException(
                $"{_method.Name}: targets must be class indices in 0 … {classes - 1} (the model has {classes} outputs), got {(_targetMin < 0 ? _targetMin : _targetMax)}");
        _outputsChecked = true;
    }

    void Advance(long count)
    {
        _done += count;
        _progress?.Report(new AttributionProgress(_method.Name, _done, Math.Max(_done, _total)));
    }

    /// <summary>Splits <paramref name="count"/> items into consecutive (start, length) batches of at most the batch size.</summary>
    public IEnumerable<(long Start, long Length)> Batches(long count) => Attribution.Batches.Of(count, BatchSize);
}
