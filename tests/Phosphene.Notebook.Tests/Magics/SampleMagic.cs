using Phosphene.Notebook.Magics;
using TorchSharp;

namespace Phosphene.Notebook.Tests.Magics;

public enum Palette { RedBlue, Viridis }

/// <summary>What a toolkit magic looks like: subcommands, typed options of every kind, a typed result.</summary>
public sealed class SampleMagic : Magic
{
    public override string Name => "sample";
    public override string Summary => "A magic with every kind of option, for tests.";

    protected override void Declare(MagicDeclaration declaration)
    {
        declaration.Subcommand("fit", "Fit something.", fit => fit
            .Option("batch-size", 32, "Examples per batch.")
            .Option("lr", 0.001, "Learning rate."));
        declaration.Subcommand("score", "Score something.", score => score
            .Required<torch.Tensor>("input", "Images N×C×H×W."));
        declaration.Option("method", "sobol", "Which estimator.", choices: ["sobol", "saliency", "rise"]);
        declaration.Option<IReadOnlyList<int>>("layers", [1], "Layer indices.");
        declaration.Option("steps", new MagicRange(0, 1), "Steps, as a range.");
        declaration.Option("palette", Palette.Viridis, "Colormap.");
        declaration.Option("title", "", "Chart title.");
        declaration.Option<IReadOnlyList<string>>("names", [], "Names.");
        declaration.Flag("verbose", "Say more.");
    }

    public override object? Run(MagicInvocation invocation, IMagicContext context)
        => new SampleResult(invocation.Subcommand, new Dictionary<string, object?>(invocation.Values));
}

public sealed record SampleResult(string? Subcommand, IReadOnlyDictionary<string, object?> Values)
{
    public int BatchSize => (int)Values["batch-size"]!;
}
