using Phosphene.Concepts;
using Phosphene.Models;
using Phosphene.Notebook.Display;
using Phosphene.Notebook.Magics;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Tests.Magics;

public class CraftMagicTests
{
    static ScriptContext Context()
    {
        var context = new ScriptContext(new MagicRegistry());     // registers every magic of the notebook layer
        context.SetVariable("net", ModelZoo.Create("cnn", seed: 1));
        using var generator = new TorchSharp.torch.Generator().manual_seed(3);
        context.SetVariable("x", rand([6, 1, 28, 28], generator: generator).DetachFromDisposeScope());
        return context;
    }

    [Fact]
    public void ExtractMapsVisualizeAndDecompose()
    {
        var context = Context();
        var craft = Assert.IsType<Craft>(context.Magic("%craft --model net --layer features.6 --images x --class 3 --concepts 4 --patch 14 --designs 4 --as craft"));
        Assert.Equal(4, craft.Importances.Count);
        Assert.Equal(new long[] { 4, 32 }, craft.ConceptBank.shape);
        Assert.Same(craft, context.Evaluate("craft"));
        var bundle = NotebookFormatter.Format(craft);
        string html = bundle.Data["text/html"];
        Assert.Contains("\"type\":\"bar\"", html);
        Assert.Contains(ConceptPalette.Hex(craft.ConceptsByImportance[0]), html);
        Assert.Equal(4, html.Split("<img src=\"data:image/png;base64,").Length - 1);              // one gallery row per concept

        var maps = Assert.IsType<ConceptMapSet>(context.Magic("%craft maps --result craft --images {((TorchSharp.torch.Tensor)x)[..2]}"));
        Assert.Equal(new long[] { 2, 4, 28, 28 }, maps.Maps.shape);
        Assert.Contains("legend", NotebookFormatter.Format(maps).Data["text/html"]);

        var maco = Assert.IsType<MacoResult>(context.Magic("%craft visualize --result craft --concept 1 --steps 5 --views 2"));
        Assert.Equal("concept 1 at features.6", maco.Target);
        Assert.Contains("MaCo", NotebookFormatter.Format(maco).Data["text/html"]);

        context.SetVariable("A", rand([60, 12], dtype: ScalarType.Float64).DetachFromDisposeScope());
        var f = Assert.IsType<DecompositionResult>(context.Magic("%craft decompose --activations A --concepts 3 --method pca --runs 2 --as f"));
        Assert.Equal(new long[] { 60, 3 }, f.Coefficients.shape);
        Assert.Equal(new long[] { 3, 12 }, f.ConceptBank.shape);
        Assert.True(f.ReconstructionError > 0);
        Assert.Equal(1.0, f.Importances.Sum(), 9);
        Assert.NotNull(f.Stability);
    }

    [Fact]
    public void ErrorsNameTheOptionAndTheFix()
    {
        var context = Context();
        Assert.Equal("%craft needs --class int: The class whose logit the concepts explain.",
            Assert.Throws<MagicException>(() => context.Magic("%craft --model net --layer features.6 --images x")).Message);
        // Without --layer, the error lists the model's layers to split at.
        var noLayer = Assert.Throws<MagicException>(() => context.Magic("%craft --model net --images x --class 1")).Message;
        Assert.StartsWith("%craft: option '--layer' is required, e.g. --layer features.", noLayer);
        Assert.Contains("(layers: features, features.0, ", noLayer);
        Assert.Contains("did you mean 'semi-nmf'?",
            Assert.Throws<MagicException>(() => context.Magic("%craft --model net --layer features.6 --images x --class 1 --method semi-nfm")).Message);
        Assert.StartsWith("%craft: unknown layer 'features.66'; did you mean 'features.6'? (layers of cnn: features, features.0",
            Assert.Throws<MagicException>(() => context.Magic("%craft --model net --layer features.66 --images x --class 1")).Message);
        Assert.Contains("did you mean 'halton'?",
            Assert.Throws<MagicException>(() => context.Magic("%craft --model net --layer features.6 --images x --class 1 --sequence haltn")).Message);
        var halton = Assert.IsType<Craft>(context.Magic("%craft --model net --layer features.6 --images x --class 1 --concepts 2 --patch 14 --designs 4 --sequence halton"));
        Assert.Equal(DesignSequence.Halton, halton.Options.Sequence);
        Assert.Contains("4 Halton designs", NotebookFormatter.Format(halton).Data["text/html"]);
        Assert.Equal("%craft decompose: option '--runs' must be 0 (no stability) or at least 2, got 1",
            Assert.Throws<MagicException>(() => context.Magic("%craft decompose --activations {torch.ones(4, 3)} --runs 1")).Message);
    }

    [Fact]
    public void ClusterGraphShowsClustersWithPrevalenceAndReliability()
    {
        using var scope = NewDisposeScope();
        var phi = tensor(new double[] { .5, .2, .1, .1, .7, .0, .6, .1, .3, .2, .1, .0 }, [4, 3]);
        var graph = ConceptClusterGraph.Build(2, phi, [true, true, false, true], eye(3, dtype: ScalarType.Float64));
        var bundle = NotebookFormatter.Format(graph);
        string html = bundle.Data["text/html"];
        Assert.Contains("concept 0: prevalence 75 %, reliability 67 %", html);        // images 0, 2, 3; image 2 is wrong
        Assert.Contains("concept 1: prevalence 25 %, reliability 100 %", html);
        Assert.DoesNotContain("concept 2: prevalence", html);                            // nobody's main strategy: no cluster
        Assert.Contains("\"symbol\":[\"circle\",\"x\",\"circle\"]", html);        // the misclassified image is a cross
        Assert.Contains("\"color\":[0.6666666666666666,1.0,null]", html);                  // reliability fill, none for concept 2
        Assert.Equal("Strategic cluster graph of class 2: 4 images in 2 clusters of 3 concepts", bundle.Data["text/plain"]);
    }

    [Fact]
    public void ADatasetGivesTheImagesOfTheClass()
    {
        var context = Context();
        using var generator = new TorchSharp.torch.Generator().manual_seed(8);
        var classes = Enumerable.Range(0, 10).Select(k => $"class {k}").ToArray();
        context.SetVariable("data", new Phosphene.Data.ImageDataset("tiny", rand([8, 1, 28, 28], generator: generator),
            tensor(new long[] { 3, 1, 3, 2, 3, 3, 0, 1 }), classes, "tiny"));
        var craft = Assert.IsType<Craft>(context.Magic("%craft --model net --layer features.6 --images data --class 3 --concepts 2 --patch 14 --designs 4"));
        Assert.Equal(4, craft.Images.shape[0]);                                         // images 0, 2, 4 and 5
        var data = (Phosphene.Data.ImageDataset)context.Evaluate("data")!;
        Assert.True(craft.Images.allclose(data.Images.index_select(0, tensor(new long[] { 0, 2, 4, 5 })), rtol: 0, atol: 0));
        Assert.Equal("%craft: the dataset 'tiny' has no image of class 9; pick a class it contains or pass the images as a tensor",
            Assert.Throws<MagicException>(() => context.Magic("%craft --model net --layer features.6 --images data --class 9")).Message);
    }
}
