using TorchSharp;

namespace Phosphene.Models;

/// <summary>
/// One architecture of the <see cref="ModelZoo"/>: its name, what it is, its default hyper-parameters and the
/// training schedule tuned for it on Fashion-MNIST.
/// </summary>
public sealed class ZooEntry
{
    readonly Func<ModelHyperparameters, ZooModel> build;

    internal ZooEntry(string name, string description, ModelHyperparameters defaultHyperparameters,
                      TrainingOptions defaultTraining, Func<ModelHyperparameters, ZooModel> build)
    {
        Name = name;
        Description = description;
        DefaultHyperparameters = defaultHyperparameters;
        DefaultTraining = defaultTraining;
        this.build = build;
    }

    /// <summary>The zoo name, e.g. <c>cnn</c>.</summary>
    public string Name { get; }

    /// <summary>One line saying what the architecture is.</summary>
    public string Description { get; }

    /// <summary>Hyper-parameters used when none are given (their type is the one this entry accepts).</summary>
    public ModelHyperparameters DefaultHyperparameters { get; }

    /// <summary>The training schedule used when none is given.</summary>
    public TrainingOptions DefaultTraining { get; }

    /// <summary>
    /// Builds the model with initial weights drawn from the global generator seeded with <paramref name="seed"/> inside
    /// a <see cref="GlobalRandomScope"/>, so equal seeds give equal weights, also when threads build models at once.
    /// The model starts in evaluation mode.
    /// </summary>
    /// <param name="hyperparameters">Of the type of <see cref="DefaultHyperparameters"/>; default those.</param>
    /// <param name="seed">Seed of the initial weights; default 0.</param>
    /// <exception cref="PhospheneException">Hyper-parameters of another architecture, or invalid values.</exception>
    public ZooModel Create(ModelHyperparameters? hyperparameters = null, long seed = 0)
    {
        hyperparameters ??= DefaultHyperparameters;
        if (hyperparameters.GetType() != DefaultHyperparameters.GetType())
            throw new PhospheneException(
                $"model '{Name}' takes {DefaultHyperparameters.GetType().Name}, got {hyperparameters.GetType().Name}");
        hyperparameters.Validate();
        ZooModel model;
        using (GlobalRandomScope.Seed(seed))
            model = build(hyperparameters);
        model.eval();
        return model;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Description}";
}
