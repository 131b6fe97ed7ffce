using Phosphene.Concepts;
using Phosphene.Models;
using static TorchSharp.torch;

namespace Phosphene.Tests.Concepts;

public class CraftTests
{
    static Tensor Images(int n, long seed, int height = 28, int width = 28)
    {
        using var generator = new TorchSharp.torch.Generator().manual_seed(seed);
        return rand([n, 1, height, width], generator: generator);
    }

    [Fact]
    public void FitGivesConceptsImportancesAndTopCrops()
    {
        using var model = ModelZoo.Create("cnn", seed: 1);
        using var scope = NewDisposeScope();
        var images = Images(6, 2, 28, 36);                    // rectangular
        using var craft = Craft.Fit(model, "features.6", images, 3, new CraftOptions { Concepts = 4, Patch = 14, Designs = 8 });
        int crops = new CropGrid(14).Positions(28, 36).Count * 6;
        Assert.Equal(new long[] { crops, 4 }, craft.Coefficients.shape);
        Assert.Equal(new long[] { 4, 32 }, craft.ConceptBank.shape);
        Assert.Equal(new long[] { crops, 1, 28, 28 }, craft.Crops.shape);
        Assert.Equal(4, craft.Importances.Count);
        Assert.Equal(new long[] { 6, 4 }, craft.LocalImportances.shape);
        Assert.All(craft.Importances, v => Assert.InRange(v, 0, 1.5));
        Assert.Equal(craft.Importances.Max(), craft.Importances[craft.ConceptsByImportance[0]]);
        var top = craft.TopCrops(1, 3);
        var column = craft.Coefficients[.., 1];
        Assert.Equal(column.max().item<double>(), column[top[0]].item<double>());
        Assert.True(craft.ReconstructionError < craft.Activations.to_type(ScalarType.Float64).norm().item<double>());
        Assert.Equal("concept 4 is outside 0 … 3", Assert.Throws<PhospheneException>(() => craft.TopCrops(4)).Message);
    }

    [Fact]
    public void ConceptMapsAreTheImplicitGradientOfTheCoefficients()
    {
        using var model = ModelZoo.Create("cnn", seed: 4);
        using var scope = NewDisposeScope();
        var images = Images(8, 5);
        var split = new ModelSplit(model, "features.6");
        var a = new CropGrid(14).Activations(split, images);
        using var nmf = new Nmf(3);
        nmf.Fit(a);
        var x = Images(2, 6);
        var maps = Craft.ConceptMapsOf(split, nmf, x);
        Assert.Equal(new long[] { 2, 3, 28, 28 }, maps.shape);
        Assert.True(maps.abs().sum().item<float>() > 0);

        // Directional derivative of s_k(x) = Σ_p u_pk(g(x)) along v, by central differences on the exact NNLS,
        // against ⟨∇s_k, v⟩ from the maps (map = ∇s_k ⊙ x summed over the one channel, so ∇s_k = map / x).
        var v = Images(1, 7)[0] * 0.01;
        double epsilon = 0.5;
        Func<Tensor, double> total = image =>
        {
            var (rows, _, _) = ConceptImportance.Positions(split.Activations(image.unsqueeze(0)));
            return nmf.Encode(rows.to_type(ScalarType.Float64))[.., 0].sum().item<double>();
        };
        double numeric = (total(x[0] + epsilon * v) - total(x[0] - epsilon * v)) / (2 * epsilon);
        double analytic = (maps[0, 0] / x[0, 0] * v[0]).sum().item<float>();
        Assert.True(Math.Abs(numeric - analytic) <= 0.05 * Math.Abs(analytic) + 1e-4, $"finite difference {numeric} vs implicit {analytic}");
    }

    [Fact]
    public void RecursionAndClusterGraphWorkOnAResNet()
    {
        using var model = ModelZoo.Create("resnet", seed: 2);
        using var scope = NewDisposeScope();
        var images = Images(6, 8);
        using var craft = Craft.Fit(model, "layer3", images, 1, new CraftOptions { Concepts = 3, Designs = 4, Importance = ImportanceMethod.GradientInput });
        using var sub = craft.Refine(craft.ConceptsByImportance[0], "layer2", subConcepts: 2, topCrops: 6);
        Assert.Equal("layer2", sub.Split.Layer);
        Assert.Equal(new long[] { 2, 32 }, sub.ConceptBank.shape);
        Assert.Equal(6, sub.Images.shape[0]);
        using var inside = craft.Refine(0, "layer3.0", subConcepts: 2, topCrops: 4);           // a block inside layer3 runs before its end
        Assert.Equal("recursive CRAFT decomposes at an earlier layer than 'layer3', but 'fc' is not computed before it; pick a layer before it, e.g. 'layer2'",
            Assert.Throws<PhospheneException>(() => craft.Refine(0, "fc")).Message);
        Assert.StartsWith("recursive CRAFT decomposes at an earlier layer than 'layer3', but 'layer3' is not computed before it",
            Assert.Throws<PhospheneException>(() => craft.Refine(0, "layer3")).Message);

        var labels = tensor(new long[] { 1, 2, 1, 3, 1, 4 });
        var graph = craft.ClusterGraph(images, labels);
        Assert.Equal(3, graph.Nodes.Count);
        Assert.Equal(3, graph.Points.Count);                                                   // the three images of class 1
        Assert.Equal(3, graph.Nodes.Sum(node => node.Images));
        Assert.Equal(1.0, graph.Nodes.Sum(node => node.Prevalence), 12);
        var own = images.index_select(0, tensor(new long[] { 0, 2, 4 }));
        var expected = craft.LocalImportance(own).argmax(1).data<long>().ToArray();
        Assert.Equal(expected.Select(k => (int)k), graph.Points.Select(p => p.Concept));
        var predicted = model.call(own).argmax(1).data<long>().ToArray();
        Assert.Equal(predicted.Select(k => k == 1), graph.Points.Select(p => p.Correct));
        Assert.Equal(1.0, graph.Similarity[0, 0], 9);
        Assert.Equal("none of the 6 images is labelled with class 1; the cluster graph needs images of the class",
            Assert.Throws<PhospheneException>(() => craft.ClusterGraph(images, zeros(6, dtype: ScalarType.Int64))).Message);
    }

    [Fact]
    public void ClusterGraphOfAHandComputedExample()
    {
        // Six images of the class, four concepts. Local importances (rows) and whether the model gets each right:
        //   0: .5 .2 .20 .05 → concept 0, right     3: .2 .3 .35 .05 → concept 2, right
        //   1: .1 .7 .40 .05 → concept 1, right     4: .9 .0 .00 .05 → concept 0, right
        //   2: .6 .1 .15 .05 → concept 0, wrong     5: .0 .8 .45 .05 → concept 1, wrong
        // Prevalence = cluster size / 6: 3/6, 2/6, 1/6, 0. Reliability = accuracy in the cluster: 2/3, 1/2, 1, none.
        using var scope = NewDisposeScope();
        var phi = tensor(new double[]
        {
            .5, .2, .20, .05,  .1, .7, .40, .05,  .6, .1, .15, .05,
            .2, .3, .35, .05,  .9, .0, .00, .05,  .0, .8, .45, .05,
        }, [6, 4]);
        bool[] correct = [true, true, false, true, true, false];
        var graph = ConceptClusterGraph.Build(5, phi, correct, eye(4, dtype: ScalarType.Float64));
        Assert.Equal(new[] { 0, 1, 0, 2, 0, 1 }, graph.Points.Select(p => p.Concept));
        Assert.Equal(new[] { 3, 2, 1, 0 }, graph.Nodes.Select(n => n.Images));
        Assert.Equal(new[] { 3 / 6.0, 2 / 6.0, 1 / 6.0, 0 }, graph.Nodes.Select(n => n.Prevalence));
        Assert.Equal(new double?[] { 2 / 3.0, 1 / 2.0, 1, null }, graph.Nodes.Select(n => n.Reliability));
        Assert.Equal(new[] { 2.3 / 6, 2.1 / 6, 1.55 / 6, 0.05 }, graph.Nodes.Select(n => n.Importance), new RoundedComparer());
        Assert.Equal(new[] { 0, 1, 2, 3 }, graph.Strategies.Select(n => n.Concept));
        Assert.Equal(0.0, graph.Similarity[0, 1]);
        // Column 2 = .45 − .5·column 0 and column 3 is constant: the importance vectors span a plane, so the 2-D
        // layout keeps every pairwise distance.
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
            {
                double full = (phi[i] - phi[j]).norm().item<double>();
                double plane = Math.Sqrt(Math.Pow(graph.Points[i].X - graph.Points[j].X, 2) + Math.Pow(graph.Points[i].Y - graph.Points[j].Y, 2));
                Assert.Equal(full, plane, 9);
            }
        Assert.Equal("need one correctness flag per image (6), got 2",
            Assert.Throws<PhospheneException>(() => ConceptClusterGraph.Build(5, phi, [true, false], eye(4))).Message);
    }

    sealed class RoundedComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-12;
        public int GetHashCode(double value) => 0;
    }

    [Fact]
    public void SignedActivationsBeforeTheReluUseSemiNmfWithMapsOnRectangularImages()
    {
        // features.5 is the BatchNorm before the second ReLU: its activations are signed. NMF refuses them and says
        // how to proceed; semi-NMF (signed W, U ≥ 0) runs the whole pipeline, concept maps included.
        using var model = ModelZoo.Create("cnn", seed: 3);
        using var scope = NewDisposeScope();
        var images = Images(4, 9, 28, 40);                                                   // rectangular
        var error = Assert.Throws<PhospheneException>(() => Craft.Fit(model, "features.5", images, 2, new CraftOptions { Concepts = 3, Patch = 14, Designs = 4 }));
        Assert.StartsWith("nmf needs non-negative activations, but the minimum is -", error.Message);
        Assert.EndsWith("; split after a ReLU, or use the method semi-nmf for signed activations", error.Message);

        using var craft = Craft.Fit(model, "features.5", images, 2, new CraftOptions { Concepts = 3, Patch = 14, Designs = 4, Decomposition = "semi-nmf" });
        Assert.True(craft.Activations.min().item<float>() < 0);
        Assert.True(craft.Coefficients.min().item<double>() >= 0);
        Assert.True(craft.ConceptBank.min().item<double>() < 0);
        Assert.True(craft.ReconstructionError < 0.9 * craft.Activations.to_type(ScalarType.Float64).norm().item<double>());
        var maps = craft.ConceptMaps(images[..2]);
        Assert.Equal(new long[] { 2, 3, 28, 40 }, maps.shape);                                // back at the images' own size
        Assert.True(maps.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void HaltonMasksGiveTheSobolIndicesOfTheHaltonDesign()
    {
        using var model = ModelZoo.Create("cnn", seed: 5);
        using var scope = NewDisposeScope();
        var images = Images(3, 10);
        var options = new CraftOptions { Concepts = 3, Patch = 14, Designs = 16, Sequence = DesignSequence.Halton };
        using var halton = Craft.Fit(model, "features.6", images, 4, options);
        var (u, h, w) = ConceptImportance.SpatialCoefficients(halton.Split, halton.Decomposition, images);
        var expected = ConceptImportance.SobolTotal(u, ConceptImportance.LogitScore(halton.Split, halton.Decomposition, 4, h, w),
            designs: 16, sequence: new Phosphene.Sensitivity.HaltonSequence(6));
        Assert.True(halton.LocalImportances.allclose(expected, atol: 1e-12));
        var withSobolPoints = ConceptImportance.Sobol(halton.Split, halton.Decomposition, images, 4, designs: 16);
        Assert.False(halton.LocalImportances.allclose(withSobolPoints, atol: 1e-6));          // the option reaches the design
    }

    [Fact]
    public void NoTensorOutlivesItsCall()
    {
        using var model = ModelZoo.Create("cnn", seed: 6);
        using var images = Images(4, 11);
        using var labels = tensor(new long[] { 2, 2, 1, 2 });
        using var craft = Craft.Fit(model, "features.6", images, 2, new CraftOptions { Concepts = 3, Patch = 14, Designs = 4 });
        craft.ClusterGraph(images, labels);                                                    // warm-up
        long alive = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int repeat = 0; repeat < 2; repeat++)
        {
            craft.ConceptMaps(images).Dispose();
            craft.LocalImportance(images).Dispose();
            craft.LocalImportance(images, ImportanceMethod.GradientInput).Dispose();
            craft.TopCropImages(1, 3).Dispose();
            craft.ClusterGraph(images, labels);
            _ = craft.ReconstructionError;
        }
        Assert.Equal(alive, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void BadInputsAreClearErrors()
    {
        using var model = ModelZoo.Create("cnn");
        using var scope = NewDisposeScope();
        Assert.Equal("class 10 is outside 0 … 9 for cnn",
            Assert.Throws<PhospheneException>(() => Craft.Fit(model, "features.6", Images(2, 0), 10)).Message);
        Assert.Equal("images must be float32 N×1×H×W for cnn, got Float32 [2, 3, 28, 28]",
            Assert.Throws<PhospheneException>(() => Craft.Fit(model, "features.6", rand(2, 3, 28, 28), 1)).Message);
        Assert.Equal("unknown decomposition 'kmean'; did you mean 'kmeans'? (decompositions: nmf, semi-nmf, pca, ica, kmeans, dictionary)",
            Assert.Throws<PhospheneException>(() => Craft.Fit(model, "features.6", Images(2, 0), 1, new CraftOptions { Decomposition = "kmean" })).Message);
    }
}
