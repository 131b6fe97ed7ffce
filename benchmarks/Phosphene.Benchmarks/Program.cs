using Phosphene;
using Phosphene.Benchmarks;

// Each command declares its options here, once: parsing rejects any other with a suggestion, and usage lists them.
BenchmarkCommand[] commands =
[
    new("training", ["models", "threads", "no-peer"], TrainingBenchmark.Run, """
        training [--models cnn,resnet] [--threads N] [--no-peer]
            trains each model on Fashion-MNIST without the cache, in TorchSharp and in PyTorch 1.13 (the peer
            benchmarks/peers/train_pytorch.py, same architecture, schedule and thread count), and prints a table
        """),
    new("attribution", ["methods", "images", "batch-size", "threads", "repeats", "no-peer"], AttributionBenchmark.Run, """
        attribution [--methods saliency,integrated-gradients,smoothgrad,occlusion,rise,sobol] [--images 8]
                    [--batch-size 64] [--threads N] [--repeats 5] [--no-peer]
            per-image time of each attribution method on the zoo CNN, in TorchSharp and in PyTorch 1.13 (the peer
            benchmarks/peers/attribution_pytorch.py, same weights, inputs, batch size and thread count), with ratios:
            median wall and CPU time of --repeats calls after 2 s of warm-up calls on the measured batch, both sides
        """),
    new("attribution-memory", ["calls", "warmup", "images", "methods", "metrics"], AttributionMemoryBenchmark.Run, """
        attribution-memory [--calls 200] [--warmup 10] [--images 8] [--methods saliency,integrated-gradients,occlusion]
                           [--metrics deletion,insertion,mu-fidelity]
            repeats attribute + metric calls on the zoo CNN and prints the growth of resident memory (target < 50 MB)
        """),
    new("concepts", ["threads", "rows", "cols", "concepts", "iterations", "images", "designs", "repeats"], ConceptsBenchmark.Run, """
        concepts [--threads N] [--rows 4096] [--cols 512] [--concepts 10] [--iterations 200] [--images 500]
                 [--designs 32] [--repeats 3]
            NMF (Phosphene cd and HALS vs scikit-learn cd and mu, same nndsvda init and iterations) and Sobol concept
            importance on the zoo CNN
        """),
    new("kuramoto", ["threads", "repeats", "no-peer"], KuramotoBenchmark.Run, """
        kuramoto [--threads 1] [--repeats 3] [--no-peer]
            Kuramoto simulation against NumPy (benchmarks/peers/kuramoto_numpy.py) in one run: N=10^4 mean-field
            10^4 Euler steps, 256 networks x N=100 matrix form, a 32x32 convolutional layer forward+backward
        """),
    new("probing", ["threads", "n", "logistic-d", "ridge-d", "repeats", "ridge-repeats", "no-peer"], ProbingBenchmark.Run, """
        probing [--threads N] [--n 5000] [--logistic-d 512] [--ridge-d 4096] [--repeats 3] [--ridge-repeats 1] [--no-peer]
            fits a logistic-regression probe (10 classes) and ridge with leave-one-out alpha in Phosphene and in
            scikit-learn (the peer benchmarks/peers/probe_sklearn.py) on the same features, and prints a table
        """),
    new("zoo", [], ZooTable.Run, """
        zoo
            gets every zoo model through the checkpoint cache (training it if absent) and prints a table
        """),
];
string usage = "usage: Phosphene.Benchmarks <command> [options] [--report FILE]\n" +
               "  (--report appends the command's markdown tables to FILE; benchmarks/run-all.sh runs them all)\n\n"
    + string.Join("", commands.Select(c => string.Concat(c.Usage.Split('\n').Select(l => "  " + l + "\n"))));

try
{
    if (args.Length == 0 || args[0] is "-h" or "--help")
    {
        Console.WriteLine(usage);
        return args.Length == 0 ? 2 : 0;
    }
    var command = commands.FirstOrDefault(c => c.Name == args[0]);
    if (command is null)
    {
        Console.Error.WriteLine($"unknown command '{args[0]}'{Suggestions.DidYouMean(args[0], commands.Select(c => c.Name))}");
        Console.Error.WriteLine(usage);
        return 2;
    }
    // Our process's allocator thresholds and oneDNN cap before any tensor work; the peers get the same (PeerProcess).
    NativeRuntime.Configure();
    command.Run(CommandLine.Parse(args.Skip(1).ToArray(), command.Options));
    return 0;
}
catch (PhospheneException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

/// <summary>A benchmark command: its name, the options it takes, what runs it and its usage lines.</summary>
sealed record BenchmarkCommand(string Name, string[] Options, Action<CommandLine> Run, string Usage);
