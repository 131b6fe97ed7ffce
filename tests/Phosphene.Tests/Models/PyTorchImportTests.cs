using Phosphene.Models;
using Phosphene.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Tests.Models;

/// <summary>
/// Exports zoo twins from Debian's PyTorch (python3-torch) with src/Phosphene/Models/PyTorch/export_state_dict.py and
/// checks TorchSharp reproduces PyTorch's logits.
/// </summary>
public class PyTorchImportTests
{
    const string Export = """
        import torch
        from phosphene_zoo import create
        from export_state_dict import save_state_dict
        torch.manual_seed(0)
        model = create(NAME)
        model.train()
        with torch.no_grad():                      # non-trivial BatchNorm running statistics
            for _ in range(3):
                model(torch.rand(16, 1, 28, 28) * 2)
        model.eval()
        inputs = torch.rand(6, 1, 28, 28, generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            logits = model(inputs)
        save_state_dict(model.state_dict(), "weights.bin")
        save_state_dict({"inputs": inputs, "logits": logits}, "check.bin")
        """;

    [Theory]
    [InlineData("cnn")]
    [InlineData("resnet")]
    public void LogitsMatchPyTorchTo1e5(string name)
    {
        using var dir = new TempDirectory();
        PythonReference.Run(Export.Replace("NAME", $"\"{name}\""), dir.Path);

        using var scope = NewDisposeScope();
        using var model = ModelZoo.FromPyTorch(name, dir.File("weights.bin"));
        var check = StateDictFile.Read(dir.File("check.bin")).ToDictionary(e => e.Key, e => e.Value);
        model.eval();
        using var noGrad = no_grad();
        var logits = model.call(check["inputs"]);

        Assert.Equal(new long[] { 6, 10 }, logits.shape);
        double difference = (logits - check["logits"]).abs().max().item<float>();
        Assert.True(difference <= 1e-5, $"max |logit difference| {difference}");
        Assert.True(check["logits"].std().item<float>() > 0.01, "the reference logits are not trivial");
    }

    [Fact]
    public void ShapeMismatchNamesKeyAndBothShapes()
    {
        using var dir = new TempDirectory();
        PythonReference.Run("""
            import torch
            from phosphene_zoo import create
            from export_state_dict import save_state_dict
            save_state_dict(create("cnn", conv1_channels=8).state_dict(), "weights.bin")
            """, dir.Path);

        var e = Assert.Throws<PhospheneException>(() => ModelZoo.FromPyTorch("cnn", dir.File("weights.bin")));
        Assert.StartsWith($"cannot load '{dir.File("weights.bin")}' into cnn: ", e.Message);
        Assert.Contains("mismatch for 'features.0.weight': model expects float32 [16, 1, 3, 3], file has float32 [8, 1, 3, 3]", e.Message);
    }
}
