using Phosphene.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// Records the outputs of named layers of any model through forward hooks, in batches, pooled to N×D float32 feature
/// matrices, either in memory (<see cref="Capture"/>) or streamed to float32 files for layers too large for memory
/// (<see cref="CaptureToFiles"/>). Layer names are PyTorch-style module paths (<c>features.2</c>, <c>layer3.0.conv1</c>).
/// </summary>
/// <remarks>
/// The model runs in evaluation mode without gradients; its previous mode is restored. Hooks are removed afterwards,
/// also on error or cancellation. Only the pooled batch is kept from each hook call, so memory during the forward pass
/// is one batch of activations.
/// </remarks>
public static class ActivationCapture
{
    /// <summary>Captures the pooled outputs of <paramref name="layers"/> for <paramref name="inputs"/> in memory.</summary>
    /// <param name="model">Any single-input module, e.g. a <see cref="ZooModel"/>.</param>
    /// <param name="layers">Module paths of the layers to record.</param>
    /// <param name="inputs">Inputs N×… (images N×C×H×W for the zoo).</param>
    /// <param name="pooling">Spatial pooling; default <see cref="SpatialPooling.Flatten"/>.</param>
    /// <param name="batchSize">Examples per forward pass; default 256 (memory only).</param>
    /// <param name="progress">Receives examples done after every batch.</param>
    /// <param name="cancellation">Checked before every batch.</param>
    /// <returns>Layer path → float32 N×D activations; dispose it to free them.</returns>
    /// <exception cref="PhospheneException">Unknown layer (with a suggestion), empty list, or bad batch size.</exception>
    public static LayerActivations Capture(nn.Module<Tensor, Tensor> model, IReadOnlyList<string> layers, Tensor inputs,
                                           SpatialPooling? pooling = null, int batchSize = 256,
                                           IProgress<ProbingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var parts = layers.Distinct().ToDictionary(l => l, _ => new List<Tensor>());
        try
        {
            Run(model, layers, inputs, pooling ?? SpatialPooling.Flatten, batchSize, progress, cancellation,
                (layer, batch) => parts[layer].Add(batch.detach().clone().DetachFromDisposeScope()));
            var result = new Dictionary<string, Tensor>();
            foreach (var (layer, list) in parts)
            {
                using var scope = NewDisposeScope();
                result[layer] = cat(list, 0).DetachFromDisposeScope();
            }
            return new LayerActivations(layers.Distinct().ToArray(), result);
        }
        finally
        {
            foreach (var list in parts.Values) foreach (var t in list) t.Dispose();
        }
    }

    /// <summary>
    /// Captures the pooled outputs of <paramref name="layers"/> into one float32 <see cref="ActivationFile"/> per layer
    /// in <paramref name="directory"/> (<c>&lt;layer&gt;.f32</c>), batch by batch, so that no layer is ever held whole.
    /// </summary>
    /// <returns>Layer path → the open file (read it with <see cref="ActivationFile.Read"/>); dispose each file.</returns>
    public static IReadOnlyDictionary<string, ActivationFile> CaptureToFiles(
        nn.Module<Tensor, Tensor> model, IReadOnlyList<string> layers, Tensor inputs, string directory,
        SpatialPooling? pooling = null, int batchSize = 256, IProgress<ProbingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var files = new Dictionary<string, ActivationFile>();
        try
        {
            Run(model, layers, inputs, pooling ?? SpatialPooling.Flatten, batchSize, progress, cancellation, (layer, batch) =>
            {
                if (!files.TryGetValue(layer, out var file))
                    files[layer] = file = ActivationFile.Create(Path.Combine(directory, layer + ".f32"), batch.shape[1]);
                file.Append(batch);
            });
            return files;
        }
        catch
        {
            foreach (var file in files.Values) file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The submodule at <paramref name="path"/> as a single-tensor module, so a forward hook can be attached.
    /// </summary>
    /// <exception cref="PhospheneException">No such path (the message suggests the closest), or a multi-input module.</exception>
    public static nn.Module<Tensor, Tensor> ResolveLayer(nn.Module model, string path)
    {
        nn.Module? found = null;
        if (model is ZooModel zoo) found = zoo.Layer(path);
        else
        {
            var all = model.named_modules().Where(m => m.name.Length > 0).ToList();
            found = all.FirstOrDefault(m => m.name == path).module;
            if (found is null)
            {
                var names = all.Select(m => m.name).ToArray();
                throw new PhospheneException(
                    $"unknown layer '{path}'{Suggestions.DidYouMean(path, names)} (layers: {string.Join(", ", names)})");
            }
        }
        return found as nn.Module<Tensor, Tensor>
            ?? throw new PhospheneException($"layer '{path}' ({found.GetType().Name}) does not map one tensor to one tensor; pick one of its submodules");
    }

    static void Run(nn.Module<Tensor, Tensor> model, IReadOnlyList<string> layers, Tensor inputs, SpatialPooling pooling,
                    int batchSize, IProgress<ProbingProgress>? progress, CancellationToken cancellation,
                    Action<string, Tensor> sink)
    {
        if (layers.Count == 0) throw new PhospheneException("no layers to capture; name at least one, e.g. features.2");
        if (batchSize < 1) throw new PhospheneException($"batch size {batchSize} is invalid: it must be at least 1");
        if (inputs.dim() < 1 || inputs.shape[0] == 0) throw new PhospheneException("no inputs to capture activations for (N = 0)");
        var targets = layers.Distinct().Select(l => (Layer: l, Module: ResolveLayer(model, l))).ToArray();
        var pending = new Dictionary<string, Tensor>();
        var removers = new List<nn.HookableModule<Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>,
            Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>>.HookRemover>();
        bool wasTraining = model.training;
        try
        {
            foreach (var (layer, module) in targets)
                removers.Add(module.register_forward_hook((_, _, output) =>
                {
                    // The output may be disposed by the enclosing Sequential: keep a pooled copy now.
                    pending[layer] = pooling.Apply(output).to(ScalarType.Float32).clone();
                    return output;
                }));
            model.eval();
            using var noGrad = no_grad();
            long n = inputs.shape[0];
            for (long start = 0; start < n; start += batchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                pending.Clear();
                long size = Math.Min(batchSize, n - start);
                model.call(inputs.narrow(0, start, size));
                foreach (var (layer, _) in targets)
                {
                    if (!pending.TryGetValue(layer, out var batch))
                        throw new PhospheneException($"layer '{layer}' was not called by the model's forward pass, so it has no activations");
                    sink(layer, batch);
                }
                progress?.Report(new ProbingProgress("capture", start + size, n));
            }
        }
        finally
        {
            foreach (var remover in removers) remover.remove();
            pending.Clear();
            model.train(wasTraining);
        }
    }
}
