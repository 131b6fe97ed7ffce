using Phosphene;
using Phosphene.Benchmarks;

// Commands: training (TorchSharp vs PyTorch, no cache) and zoo (every zoo model through the cache).
const string Usage = """
    usage: Phosphene.Benchmarks <command> [options]

      training [--models cnn,resnet] [--threads N] [--no-peer]
          trains each model on Fashion-MNIST without the cache, in TorchSharp and in PyTorch 1.13 (the peer
          benchmarks/peers/train_pytorch.py, same architecture, schedule and thread count), and prints a table
      kuramoto [--threads N] [--no-peer]
          Kuramoto simulation against NumPy (benchmarks/peers/kuramoto_numpy.py) in one run: N=10^4 mean-field
          10^4 Euler steps, 256 networks x N=100 matrix form, a 32x32 convolutional layer forward+backward
      zoo
          gets every zoo model through the checkpoint cache (training it if absent) and prints a table
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
        case "kuramoto":
            KuramotoBenchmark.Run(options);
            return 0;
        case "zoo":
            ZooTable.Run(options);
            return 0;
        default:
            Console.Error.WriteLine($"unknown command '{args[0]}'{Suggestions.DidYouMean(args[0], ["training", "kuramoto", "zoo"])}");
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (PhospheneException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
