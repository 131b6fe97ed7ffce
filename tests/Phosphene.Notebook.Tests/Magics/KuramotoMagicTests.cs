using Phosphene.Notebook.Display;
using Phosphene.Notebook.Magics;
using Phosphene.Synchrony;
using TorchSharp;

namespace Phosphene.Notebook.Tests.Magics;

public class KuramotoMagicTests
{
    // A new registry already holds every magic of the notebook assembly, %kuramoto included.
    static ScriptContext Context() => new(new MagicRegistry());

    [Fact]
    public void SimulateSweepsTheCouplingInOneBatchAndBindsTheResult()
    {
        var context = Context();
        var sweep = Assert.IsType<CouplingSweepResult>(context.Magic(
            "%kuramoto simulate --n 500 --coupling 0.5,3 --steps 300 --dt 0.1 --batch 2 --record-every 10 --as sweep"));
        Assert.Equal([0.5, 3.0], sweep.Coupling);
        Assert.Equal(new long[] { 2, 2, 31 }, sweep.R.shape);
        Assert.True(sweep.RInfinity[0] < 0.15);
        Assert.InRange(sweep.RInfinity[1], sweep.Theory[1] - 0.05, sweep.Theory[1] + 0.05);   // √(1 − 1/3) ≈ 0.816
        Assert.True(context.TryGetVariable("sweep", out var bound) && ReferenceEquals(bound, sweep));

        var bundle = NotebookFormatter.Format(sweep);
        Assert.Contains("r∞ against K", bundle["text/html"]);
        Assert.Contains("theory (N → ∞)", bundle["text/html"]);
        Assert.StartsWith("coupling sweep: 2 values of K", bundle.PlainText);
    }

    [Fact]
    public void RangesGridsAndRecordedPhasesWork()
    {
        var context = Context();
        var sweep = Assert.IsType<CouplingSweepResult>(context.Magic(
            "%kuramoto simulate --topology grid:6x6 --coupling 0:3:1 --steps 50 --batch 1 --record-every 5 --record-phases --integrator euler --frequencies normal(0,0.1)"));
        Assert.Equal([0.0, 1.0, 2.0], sweep.Coupling);
        Assert.Equal(36, sweep.Oscillators);
        Assert.Equal(new long[] { 3, 1, 36, 11 }, sweep.Phases!.shape);
        Assert.Contains("addFrames", NotebookFormatter.Format(sweep)["text/html"]);
    }

    [Fact]
    public void GivenFrequenciesRunAtEveryCoupling()
    {
        var context = Context();
        context.Run("var w = TorchSharp.torch.linspace(-1, 1, 40).reshape(2, 20);");
        var sweep = Assert.IsType<CouplingSweepResult>(context.Magic("%kuramoto simulate --frequencies {w} --coupling 1,4 --steps 100 --dt 0.05"));
        Assert.Equal(new long[] { 2, 2, 20 }, sweep.Frequencies.shape);
        Assert.Null(sweep.Distribution);
        Assert.True(sweep.RInfinity[1] > sweep.RInfinity[0]);
    }

    [Fact]
    public void BadOptionsNameTheOptionAndTheFix()
    {
        var context = Context();
        Assert.Equal("%kuramoto simulate: option '--frequencies': unknown frequency distribution 'lorenz'; did you mean 'lorentz'? (choose lorentz, normal or uniform)",
            Assert.Throws<MagicException>(() => context.Magic("%kuramoto simulate --frequencies lorenz(0,1)")).Message);
        Assert.Contains("did you mean 'rk4'?", Assert.Throws<MagicException>(() => context.Magic("%kuramoto simulate --integrator rk5")).Message);
        Assert.Equal("%kuramoto simulate: option '--topology' takes all, grid:HxW[:periodic] or a matrix {A}, not 'al'; did you mean 'all'?",
            Assert.Throws<MagicException>(() => context.Magic("%kuramoto simulate --topology al")).Message);
        Assert.Equal("%kuramoto simulate: a 4×4 grid holds 16 oscillators but the networks have 10; make N = H·W",
            Assert.Throws<MagicException>(() => context.Magic("%kuramoto simulate --topology grid:4x4 --n 10 --steps 10")).Message);
        Assert.Equal("%kuramoto simulate: option '--dt' must be a number greater than 0, got 0; give a value in that range",
            Assert.Throws<MagicException>(() => context.Magic("%kuramoto simulate --dt 0")).Message);
        Assert.Equal("%kuramoto kuranet: option '--task': unknown task 'globl'; did you mean 'global'? (choose global or clusters:moons|circles|gaussians)",
            Assert.Throws<MagicException>(() => context.Magic("%kuramoto kuranet --task globl")).Message);
    }

    [Fact]
    public void KuraNetTrainsAndComparesWithUntrainedCouplings()
    {
        var context = Context();
        var run = Assert.IsType<KuraNetRun>(context.Magic(
            "%kuramoto kuranet --task clusters:moons --iterations 3 --networks 4 --oscillators 10 --hidden 8 --burn-in 5 --loss-steps 5 --evaluate 4"));
        Assert.Equal(3, run.Training.Losses.Count);
        Assert.Equal(2, run.Net.FeatureDimension);
        Assert.Equal(CouplingNormalization.RowL2, run.Net.Options.Normalization);
        Assert.Equal(new long[] { 4, 11 }, run.Trained.R.shape);
        Assert.Contains("held-out global coherence", NotebookFormatter.Format(run)["text/html"]);
    }

    [Fact]
    public void KomplexNetTrainsAndShowsPhaseMapsWithObjectSynchrony()
    {
        var context = Context();
        var run = Assert.IsType<KomplexNetRun>(context.Magic(
            "%kuramoto komplexnet --train 64 --test 8 --channels 4 --steps 2 --inhibition 2 --synchrony-weight 0.5 --epochs 1 --batch-size 32 --canvas 40 --as net"));
        Assert.Single(run.Losses);
        Assert.Equal((2.0, 0.5, 2), (run.Net.Options.GlobalInhibition, run.Net.Options.SynchronyWeight, run.Net.Options.KuramotoSteps));
        Assert.Equal("%kuramoto komplexnet: KomplexNetOptions.SynchronyWeight = -1 is invalid: it must be 0 or a positive number",
            Assert.Throws<MagicException>(() => context.Magic("%kuramoto komplexnet --train 8 --test 2 --synchrony-weight -1")).Message);
        Assert.InRange(run.Accuracy, 0, 1);
        Assert.Equal(new long[] { 8, 1, 40, 40 }, run.Test.Images.shape);
        var maps = Assert.IsType<PhaseMapsResult>(context.Magic("%kuramoto phases --model net"));
        Assert.Equal(new long[] { 6, 3, 20, 20 }, maps.Maps.shape);
        Assert.Equal(new long[] { 6, 2 }, maps.Coherence!.shape);
        Assert.True(maps.Maps.min().item<float>() >= 0 && maps.Maps.max().item<float>() <= 1);
        Assert.Contains("image/png", NotebookFormatter.Format(maps).Data.Keys);

        var real = Assert.IsType<KomplexNetRun>(context.Magic(
            "%kuramoto komplexnet --variant real --train 32 --test 4 --channels 4 --epochs 1 --batch-size 32 --canvas 40 --as flat"));
        Assert.Equal("%kuramoto phases: the real-valued baseline has no phases; train a complex variant",
            Assert.Throws<MagicException>(() => context.Magic("%kuramoto phases --model flat")).Message);
        Assert.Equal("%kuramoto phases: option '--model' expects a komplexnet result (bound with --as) or a KomplexNet, got an Int32 (3)",
            Assert.Throws<MagicException>(() => context.Magic("%kuramoto phases --model {3}")).Message);
        Assert.Contains("--model komplexnet", MagicRegistry.Default.Usage("kuramoto").Text);
    }
}
