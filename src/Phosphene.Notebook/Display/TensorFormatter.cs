using System.Globalization;
using TorchSharp;

namespace Phosphene.Notebook.Display;

/// <summary>Tensor summaries and previews for notebooks.</summary>
public static class TensorFormatter
{
    /// <summary><c>Tensor [3, 28, 28] float32 cpu</c>.</summary>
    public static string Summary(torch.Tensor tensor)
        => string.Create(CultureInfo.InvariantCulture, $"Tensor [{string.Join(", ", tensor.shape)}] {DType(tensor.dtype)} {tensor.device}");

    private static string DType(torch.ScalarType type) => type.ToString().ToLowerInvariant();
}
