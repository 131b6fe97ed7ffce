using System.Diagnostics;
using Phosphene.Attribution;
using Phosphene.Attribution.Metrics;
using Phosphene.Models;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution;

public class ErrorAndMemoryTests
{
    [Fact]
    public void UnknownMethodSuggestsTheClosestName()
    {
        var e = Assert.Throws<PhospheneException>(() => AttributionMethods.Create("sobl"));
        Assert.StartsWith("unknown method 'sobl'; did you mean 'sobol'? (methods: saliency, gradient-input, integrated-gradients,", e.Message);
        Assert.Equal(15, AttributionMethods.Names.Count);
        Assert.Contains(AttributionMethods.Describe(), d => d is ("integrated-gradients", "white-box", "steps 50, baseline 0, rule trapezoid"));
        Assert.Contains(AttributionMethods.Describe(), d => d is ("sobol", "black-box", "grid 8, designs 32, inpainting, jansen total-order"));
        Assert.Contains(AttributionMethods.Describe(), d => d is ("rise", "black-box", "masks 4000, grid 7, p 0.5"));
    }

    [Fact]
    public void WrongShapesAndTargetsAreClearErrors()
    {
        using var model = ModelZoo.Create("cnn");
        using var x = zeros(2, 1, 28, 28);
        var saliency = new Saliency();
        var e = Assert.Throws<PhospheneException>(() => saliency.Attribute(model, zeros(1, 28, 28), tensor(new long[] { 0 })));
        Assert.Equal("saliency: inputs must be float32 N×C×H×W images, got Float32 [1, 28, 28]", e.Message);
        e = Assert.Throws<PhospheneException>(() => saliency.Attribute(model, x, tensor(new long[] { 0 })));
        Assert.Equal("saliency: targets must be N = 2 int64 class indices, got Int64 [1]", e.Message);
        e = Assert.Throws<PhospheneException>(() => saliency.Attribute(model, x, tensor(new long[] { 0, 10 })));
        Assert.Equal("saliency: targets must be class indices in 0 … 9 (the model has 10 outputs), got 10", e.Message);
        e = Assert.Throws<PhospheneException>(() => saliency.Attribute(model, zeros(2, 3, 28, 28), tensor(new long[] { 0, 1 })));
        Assert.Equal("cnn expects float32 images N×1×28×28, got Float32 [2, 3, 28, 28]", e.Message);
        e = Assert.Throws<PhospheneException>(() => new Occlusion { Patch = 40 }.Attribute(model, x, tensor(new long[] { 0, 1 })));
        Assert.Equal("Occlusion.Patch = 40 is invalid: it must be in 1 … 28 (the image side)", e.Message);
        e = Assert.Throws<PhospheneException>(() => new SobolAttribution { Grid = 23 }.Attribute(model, x, tensor(new long[] { 0, 1 })));
        Assert.Equal("SobolAttribution.Grid = 23 is invalid: it must be at most 22: a g×g grid needs a 2g²-dimensional Sobol " +
                     "sequence and the sequence has 1024 dimensions", e.Message);
        e = Assert.Throws<PhospheneException>(() => new IntegratedGradients { BaselineImage = zeros(1, 14, 14) }.Attribute(model, x, tensor(new long[] { 0, 1 })));
        Assert.Equal("integrated-gradients: the baseline must be C×H×W or N×C×H×W like the inputs [2, 1, 28, 28], got [1, 14, 14]", e.Message);
    }

    [Fact]
    public void AModelThatFailsInsideTorchSharpIsReportedWithTheMethodOrMetricAndTheInputsShape()
    {
        // A classifier that expects 10 features: 4×4 images reach its Linear layer as 16 and TorchSharp throws.
        using var model = nn.Sequential(nn.Flatten(), nn.Linear(10, 3));
        using var x = zeros(2, 1, 4, 4);
        using var targets = tensor(new long[] { 0, 1 });
        var e = Assert.Throws<PhospheneException>(() => new Saliency().Attribute(model, x, targets));
        Assert.StartsWith("saliency: the model failed on inputs [2, 1, 4, 4]: ", e.Message);
        e = Assert.Throws<PhospheneException>(() => new Rise { Masks = 8, Grid = 2 }.Attribute(model, x, targets));
        Assert.StartsWith("rise: the model failed on inputs [", e.Message);
        e = Assert.Throws<PhospheneException>(() => new Deletion().Evaluate(model, x, targets, zeros(2, 4, 4)));
        Assert.StartsWith("deletion: the model failed on inputs [1, 1, 4, 4]: ", e.Message);
    }

    [Fact]
    public void BadLayersAreClearErrors()
    {
        using var model = ModelZoo.Create("cnn");
        using var x = zeros(1, 1, 28, 28);
        using var target = tensor(new long[] { 0 });
        var e = Assert.Throws<PhospheneException>(() => new GradCam { Layer = "feature.4" }.Attribute(model, x, target));
        Assert.StartsWith("unknown layer 'feature.4'; did you mean 'features.4'? (layers: features, features.0,", e.Message);
        e = Assert.Throws<PhospheneException>(() => new GradCam { Layer = "classifier.0" }.Attribute(model, x, target));
        Assert.Equal("grad-cam: layer 'classifier.0' gives [1, 128]; pick a convolutional layer with N×C×h×w output", e.Message);
        var linear = new LinearImageModel(zeros(2, 4), zeros(2));
        e = Assert.Throws<PhospheneException>(() => new GradCam().Attribute(linear, zeros(1, 1, 2, 2), target));
        Assert.Equal("grad-cam: the model has no Conv2d layer; name one with the layer option", e.Message);
        e = Assert.Throws<PhospheneException>(() => new GuidedBackprop().Attribute(linear, zeros(1, 1, 2, 2), target));
        Assert.Equal("guided-backprop: the model has no ReLU modules to guide; use saliency instead", e.Message);
    }

    [Fact]
    public void CancellationStopsBetweenBatchesAndProgressCounts()
    {
        using var model = ModelZoo.Create("cnn");
        using var x = zeros(2, 1, 28, 28);
        using var targets = tensor(new long[] { 0, 1 });
        var reports = new List<AttributionProgress>();
        var progress = new SynchronousProgress(reports.Add);
        using (new Rise { Masks = 40, BatchSize = 16 }.Attribute(model, x, targets, progress)) { }
        Assert.Equal(new AttributionProgress("rise", 0, 80), reports[0]);
        Assert.Equal(new AttributionProgress("rise", 80, 80), reports[^1]);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => new Rise { Masks = 40 }.Attribute(model, x, targets, null, cancelled.Token));
        Assert.False(model.training);
    }

    [Fact]
    public void TrainingModeIsRestored()
    {
        using var model = ModelZoo.Create("cnn");
        model.train();
        using (new Saliency().Attribute(model, zeros(1, 1, 28, 28), tensor(new long[] { 0 }))) { }
        Assert.True(model.training);
    }

    sealed class SynchronousProgress(Action<AttributionProgress> report) : IProgress<AttributionProgress>
    {
        public void Report(AttributionProgress value) => report(value);
    }
}

/// <summary>
/// Resident memory over repeated attribution calls. Run alone (no other test class in parallel): the process's working
/// set is only meaningful when nothing else allocates at the same time.
/// </summary>
[CollectionDefinition("process memory", DisableParallelization = true)]
public sealed class ProcessMemoryCollection;

[Collection("process memory")]
public class AttributionMemoryTests
{
    [Fact]
    public void RepeatedCallsDoNotGrowTheProcess()
    {
        using var model = ModelZoo.Create("cnn");
        using var x = rand(2, 1, 28, 28);
        using var targets = tensor(new long[] { 0, 1 });
        AttributionMethod[] methods =
        [
            new IntegratedGradients { Steps = 8 }, new Rise { Masks = 32 }, new SobolAttribution { Grid = 4, Designs = 4 },
            new GradCam(), new GuidedBackprop(), new Occlusion { Patch = 7, Stride = 7 },
        ];
        void Round()
        {
            foreach (var method in methods)
                using (method.Attribute(model, x, targets)) { }
        }
        for (int i = 0; i < 3; i++) Round(); // warm up allocator caches
        GC.Collect();
        long before = Process.GetCurrentProcess().WorkingSet64;
        long alive = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 25; i++) Round();
        Assert.Equal(alive, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);   // no tensor outlives its call
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long grown = Process.GetCurrentProcess().WorkingSet64 - before;
        Assert.True(grown < 40L << 20, $"25 rounds of 6 methods grew the process by {grown >> 20} MB");
    }
}
