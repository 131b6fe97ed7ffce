using Phosphene;
using Phosphene.Benchmarks;

// Commands: training (TorchSharp vs PyTorch, no cache), probing (vs scikit-learn) and zoo (every zoo model through the cache).
const string Usage = """
    usage: Phosphene.Benchmarks <command> [options]

      training [--models cnn,resnet] [--threads N] [--no-peer]
          trains each model on Fashion-MNIST without the cache, in TorchSharp and in PyTorch 1.13 (the peer
          benchmarks/peers/train_pytorch.py, same architecture, schedule and thread count), and prints a table
      probing [--threads N] [--n 5000] [--logistic-d 512] [--ridge-d 4096] [--no-peer]
          fits a logistic-regression probe (10 classes) and ridge with leave-one-out alpha in Phosphene and in
          scikit-learn (the peer benchmarks/peers/probe_sklearn.py) on the same features, and prints a table
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
        case "probing":
            ProbingBenchmark.Run(options);
            return 0;
        case "zoo":
            ZooTable.Run(options);
            return 0;
        default:
            Console.Error.WriteLine($"unknown command '{args[0]}'{Suggestions.DidYouMean(args[0], ["training", "probing", "zoo"])}");
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (PhospheneException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
