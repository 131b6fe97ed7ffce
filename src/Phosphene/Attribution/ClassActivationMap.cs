using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// The base of the class-activation-map methods (<see cref="GradCam"/>, <see cref="GradCamPlusPlus"/>): a weighted sum of
/// one layer's activation maps, the weights derived from the explained score's gradient with respect to them.
/// </summary>
/// <remarks>
/// The layer is <see cref="Layer"/>, a PyTorch-style module path such as <c>features.6</c> (see
/// <c>ZooModel.LayerPaths</c>), or by default the model's last <see cref="Conv2d"/> module. Its output must be
/// N×C'×h×w; the h×w map is upsampled bilinearly to the input's H×W.
/// </remarks>
public abstract class ClassActivationMap : GradientAttribution
{
    /// <summary>Module path of the layer whose activations are weighted; default null (the last convolution).</summary>
    public string? Layer { get => _layer; init => _layer = value; }

    string? _layer;

    /// <inheritdoc />
    public override MethodSettings Settings => base.Settings with { Layer = Layer };

    /// <inheritdoc />
    protected override void Apply(MethodSettings settings)
    {
        base.Apply(settings);
        _layer = settings.Layer;
    }

    /// <inheritdoc />
    public override string Parameters => $"layer {Layer ?? "last convolution"}";

    /// <summary>The map at layer resolution, B×h×w, from activations and gradients, both B×C'×h×w.</summary>
    protected abstract Tensor Weigh(Tensor activations, Tensor gradients);

    /// <inheritdoc />
    protected sealed override Tensor Compute(AttributionRun run, Tensor inputs, Tensor targets)
    {
        var (path, layer) = ResolveLayer(run.Model, Layer, Name);
        run.Expect(inputs.shape[0]);
        var maps = new List<Tensor>();
        foreach (var (start, length) in run.Batches(inputs.shape[0]))
        {
            using var scope = NewDisposeScope();
            var (activations, gradients) = run.LayerGradients(layer, inputs.narrow(0, start, length), targets.narrow(0, start, length));
            if (activations.dim() != 4)
                throw new PhospheneException(
                    $"{Name}: layer '{path}' gives [{string.Join(", ", activations.shape)}]; pick a convolutional layer with N×C×h×w output");
            var cam = Weigh(activations, gradients).unsqueeze(1);
            var upsampled = nn.functional.interpolate(cam, [inputs.shape[2], inputs.shape[3]], mode: InterpolationMode.Bilinear,
                                                      align_corners: false).squeeze(1);
            maps.Add(upsampled.MoveToOuterDisposeScope());
        }
        return cat(maps, 0);
    }

    /// <summary>
    /// The submodule at <paramref name="path"/> (PyTorch <c>named_modules</c> path), or the last <see cref="Conv2d"/> when null.
    /// </summary>
    /// <exception cref="PhospheneException">No such path (with a suggestion), no convolution, or a module that is not single-tensor.</exception>
    public static (string Path, nn.Module<Tensor, Tensor> Module) ResolveLayer(nn.Module model, string? path, string method)
    {
        var named = DepthFirst(model, "").ToList();
        (string name, nn.Module module) found;
        if (path is null)
        {
            found = named.LastOrDefault(m => m.module is Conv2d);
            if (found.module is null)
                throw new PhospheneException($"{method}: the model has no Conv2d layer; name one with the layer option");
        }
        else
        {
            found = named.FirstOrDefault(m => m.name == path);
            if (found.module is null)
            {
                var names = named.Select(m => m.name).ToList();
                throw new PhospheneException(
                    $"unknown layer '{path}'{Suggestions.DidYouMean(path, names)} (layers: {string.Join(", ", names)})");
            }
        }
        if (found.module is not nn.Module<Tensor, Tensor> single)
            throw new PhospheneException($"{method}: layer '{found.name}' is not a single-tensor module; pick another layer");
        return (found.name, single);
    }

    /// <summary>Submodules with their paths, depth first in definition order (PyTorch's <c>named_modules</c> order).</summary>
    static IEnumerable<(string name, nn.Module module)> DepthFirst(nn.Module module, string prefix)
    {
        foreach (var (name, child) in module.named_children())
        {
            string path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            yield return (path, child);
            foreach (var inner in DepthFirst(child, path)) yield return inner;
        }
    }
}
