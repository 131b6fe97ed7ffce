using System.Runtime.CompilerServices;

namespace Phosphene.Notebook.Tests;

static class NativeRuntimeFirst
{
    // Tests that build TorchSharp modules directly may run before any Phosphene type is touched: the oneDNN cap must
    // be in the environment before the first convolution of the test process (see Phosphene.NativeRuntime).
    [ModuleInitializer]
    internal static void Configure() => Phosphene.NativeRuntime.Configure();
}
