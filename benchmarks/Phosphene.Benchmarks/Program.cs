using Phosphene;
using Phosphene.Benchmarks;

// Commands: one per file; see the usage below.
const string Usage = """
    usage: Phosphene.Benchmarks <command> [options]

      training [--models cnn,resnet] [--threads N] [--no-peer]
          trains each model on Fashion-MNIST without the cache, in TorchSharp and in PyTorch 1.13 (the peer
          benchmarks/peers/train_pytorch.py, same architecture, schedule and thread count), and prints a table
      attribution [--methods saliency,integrated-gradients,smoothgrad,occlusion,rise,sobol] [--images 8]
                  [--batch-size 64] [--threads N] [--no-peer]
          per-image time of each attribution method on the zoo CNN, in TorchSharp and in PyTorch 1.13 (the peer
          benchmarks/peers/attribution_pytorch.py, same weights, inputs, batch size and thread count), with ratios
      concepts [--threads N] [--rows 4096] [--cols 512] [--concepts 10] [--iterations 200] [--images 500] [--designs 32] [--repeats 3]
          NMF (Phosphene cd and HALS vs scikit-learn cd and mu, same nndsvda init and iterations) and Sobol concept
          importance on the zoo CNN
      kuramoto [--threads N] [--no-peer]
          Kuramoto simulation against NumPy (benchmarks/peers/kuramoto_numpy.py) in one run: N=10^4 mean-field
          10^4 Euler steps, 256 networks x N=100 matrix form, a 32x32 convolutional layer forward+backward
      zoo
          gets every zoo model through the checkpoint cache (training it if absent) and prints a table
      attribution-memory [--calls 200] [--warmup 10] [--images 8] [--methods saliency,integrated-gradients,occlusion]
                         [--metrics deletion,insertion,mu-fidelity]
          repeats attribute + metric calls on the zoo CNN and prints the growth of resident memory (target < 50 MB)
    """;

try
{
    if (args.Length == 0 || args[0] is "-h" or "--help")
    {
        Console.WriteLine(Usage);
        return args.Length == 0 ? 2 : 0;
    }
    var options = CommandLine.Parse(args.Skip(1).ToArray());
    switch (args[0])
    {
        case "training":
            TrainingBenchmark.Run(options);
            return 0;
        case "attribution":
            AttributionBenchmark.Run(options);
            return 0;
        case "kuramoto":
            KuramotoBenchmark.Run(options);
            return 0;
        case "zoo":
            ZooTable.Run(options);
            return 0;
        case "attribution-memory":
            AttributionMemoryBenchmark.Run(options);
            return 0;
        case "concepts":
            ConceptsBenchmark.Run(options);
            return 0;
        default:
            Console.Error.WriteLine($"unknown command '{args[0]}'{Suggestions.DidYouMean(args[0], ["training", "attribution", "zoo", "attribution-memory", "concepts", "kuramoto"])}");
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (PhospheneException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
