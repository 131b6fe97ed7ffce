using Phosphene.Attribution;
using Phosphene.Models;
using Phosphene.Notebook.Display;
using Phosphene.Notebook.Magics;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Tests.Magics;

[Collection("plotly")]
public class AttributeMagicTests
{
    static ScriptContext Session()
    {
        var context = new ScriptContext();
        context.Run("""
            var net = Phosphene.Models.ModelZoo.Create("cnn", seed: 1);
            var g = new TorchSharp.torch.Generator(3);
            var x = TorchSharp.torch.rand(new long[] { 3, 1, 28, 28 }, generator: g);
            var y = TorchSharp.torch.tensor(new long[] { 0, 5, 9 });
            """);
        return context;
    }

    [Fact]
    public void RunsMethodsSideBySideAndBindsTheResult()
    {
        var context = Session();
        var result = Assert.IsType<AttributionResult>(context.Magic(
            "%attribute --model net --inputs {x[..2]} --targets {y[..2]} --methods saliency,integrated-gradients,occlusion " +
            "--metrics deletion,complexity --classes {new[]{\"t-shirt\",\"trouser\",\"pullover\",\"dress\",\"coat\",\"sandal\",\"shirt\",\"sneaker\",\"bag\",\"boot\"}} --as maps"));
        Assert.Equal(["saliency", "integrated-gradients", "occlusion"], result.Methods);
        Assert.Equal(new long[] { 2, 28, 28 }, result.Maps["integrated-gradients"].shape);
        Assert.Equal(2, result.Scores.Count);
        Assert.True(double.IsFinite(result.Scores["deletion"]["occlusion"]));
        Assert.Same(result, context.Evaluate("maps"));

        // The same numbers as the C# API.
        using var direct = new IntegratedGradients().Attribute((TorchSharp.torch.nn.Module<Tensor, Tensor>)context.Evaluate("net")!,
                                                               (Tensor)context.Evaluate("x[..2]")!, (Tensor)context.Evaluate("y[..2]")!);
        Assert.True((direct - result.Maps["integrated-gradients"]).abs().max().item<float>() < 1e-6);

        var bundle = NotebookFormatter.Format(result);
        var html = bundle["text/html"]!;
        Assert.Contains("<img", html);
        Assert.Contains("ms / input", html);
        Assert.Contains("phosphene-metrics", html);
        Assert.Contains("★", html);
        Assert.StartsWith("AttributionResult: 3 method(s) on 2 input(s) [2, 1, 28, 28]", bundle.PlainText);
        using var png = Phosphene.Imaging.PngImage.Decode(AttributionFormatter.GridPng(result));
        // Four columns (input + 3 methods) of 84-pixel cells and two rows, plus labels and padding.
        Assert.True(png.shape[2] > 4 * 84 && png.shape[1] > 2 * 84, $"grid [{string.Join(", ", png.shape)}]");
    }

    [Fact]
    public void ForGradSigmaFiltersWhiteBoxMethodsOnly()
    {
        var context = Session();
        var result = (AttributionResult)context.Magic("%attribute --model net --inputs x --methods saliency,rise --forgrad 5 --batch-size 128")!;
        Assert.Equal(5, result.ForGradSigmas["saliency"]);
        Assert.False(result.ForGradSigmas.ContainsKey("rise"));
        using var raw = new Saliency().Attribute((TorchSharp.torch.nn.Module<Tensor, Tensor>)context.Evaluate("net")!, result.Inputs, result.Targets);
        using var filtered = ForGrad.Filter(raw, 5);
        Assert.True((filtered - result.Maps["saliency"]).abs().max().item<float>() < 1e-5);
        // Without --targets the predicted classes are explained.
        Assert.True(result.Targets.equal(result.Predictions).all().item<bool>());
    }

    [Fact]
    public void HelpListsMethodsWithTheirDefaults()
    {
        string usage = MagicRegistry.Default.Usage("attribute").ToString();
        Assert.Contains("integrated-gradients (white-box: steps 50, baseline 0, rule trapezoid)", usage);
        Assert.Contains("sobol (black-box: grid 8, designs 32, inpainting, jansen total-order)", usage);
        Assert.Contains("--forgrad", usage);
    }

    [Fact]
    public void BadOptionsAreClearErrors()
    {
        var context = Session();
        var e = Assert.ThrowsAny<PhospheneException>(() => context.Magic("%attribute --model net --inputs x --methods saliency,sobl"));
        Assert.StartsWith("%attribute: unknown method 'sobl'; did you mean 'sobol'? (methods: saliency, ", e.Message);
        e = Assert.ThrowsAny<PhospheneException>(() => context.Magic("%attribute --model net --inputs x --metrics deletoin"));
        Assert.Contains("did you mean 'deletion'?", e.Message);
        e = Assert.ThrowsAny<PhospheneException>(() => context.Magic("%attribute --model net --inputs x --forgrad sometimes"));
        Assert.Equal("%attribute: option '--forgrad' expects auto or a number at least 0, but 'sometimes' is not a session variable", e.Message);
        e = Assert.ThrowsAny<PhospheneException>(() => context.Magic("%attribute --model net --inputs x --methods grad-cam --layer feature.6"));
        Assert.StartsWith("%attribute: unknown layer 'feature.6'; did you mean 'features.6'?", e.Message);
        e = Assert.ThrowsAny<PhospheneException>(() => context.Magic("%attribute --model x --inputs x"));
        Assert.StartsWith("%attribute: option '--model' expects a model (a TrainedModel, ZooModel or any module mapping a tensor to a tensor), got a Tensor", e.Message);
    }
}
