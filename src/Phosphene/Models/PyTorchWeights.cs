using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Models;

/// <summary>
/// Loads weights trained in PyTorch. In Python, <c>src/Phosphene/Models/PyTorch/export_state_dict.py</c> writes a
/// module's <c>state_dict()</c> in TorchSharp's format (<see cref="StateDictFile"/>); here the file is checked against
/// the target module, key by key, before anything is copied. Zoo models use PyTorch's own key names (their twins in
/// <c>phosphene_zoo.py</c> have the same layer paths), so their keys map one to one.
/// </summary>
public static class PyTorchWeights
{
    /// <summary>
    /// Copies every parameter and buffer of the file into <paramref name="model"/>, after checking that the keys are
    /// exactly the model's state-dict keys and that every element type and shape matches. Nothing is copied when a
    /// check fails.
    /// </summary>
    /// <param name="model">The target module (for example a <see cref="ZooModel"/>).</param>
    /// <param name="path">A state dict written by <c>export_state_dict.py</c> (or by TorchSharp's <c>Module.save</c>).</param>
    /// <param name="rename">Maps each key of the file to the model's key (e.g. <c>k =&gt; k.Replace("module.", "")</c>
    /// for a model saved from <c>DataParallel</c>); default identity.</param>
    /// <exception cref="PhospheneException">The file is unreadable, or keys are missing, unexpected (with the closest
    /// model key suggested) or of another type or shape (key, expected and actual shape named), all listed at once.</exception>
    public static void Load(nn.Module model, string path, Func<string, string>? rename = null)
    {
        using var scope = NewDisposeScope();
        var loaded = StateDictFile.Read(path);
        var target = model.state_dict();
        string modelName = model is ZooModel zoo ? zoo.Architecture : model.GetType().Name;

        var problems = new List<string>();
        var byKey = new Dictionary<string, Tensor>();
        var shownKey = new Dictionary<string, string>();
        foreach (var (fileKey, tensor) in loaded)
        {
            string key = rename?.Invoke(fileKey) ?? fileKey;
            string shown = key == fileKey ? $"'{key}'" : $"'{key}' (from '{fileKey}')";
            if (!byKey.TryAdd(key, tensor)) problems.Add($"duplicate key {shown}");
            else shownKey[key] = shown;
        }
        var missing = target.Keys.Where(k => !byKey.ContainsKey(k)).ToList();
        foreach (var (key, tensor) in byKey)
        {
            if (!target.TryGetValue(key, out var expected))
                problems.Add($"unexpected key {shownKey[key]}{Suggestions.DidYouMean(key, missing)}");
            else if (expected.dtype != tensor.dtype || !expected.shape.SequenceEqual(tensor.shape))
                problems.Add($"mismatch for {shownKey[key]}: model expects {StateDictFile.Describe(expected.dtype, expected.shape)}, " +
                             $"file has {StateDictFile.Describe(tensor.dtype, tensor.shape)}");
        }
        foreach (var key in missing)
            problems.Add($"missing key '{key}' ({StateDictFile.Describe(target[key].dtype, target[key].shape)})");
        if (problems.Count > 0)
            throw new PhospheneException(
                $"cannot load '{path}' into {modelName}: {problems.Count} problem{(problems.Count == 1 ? "" : "s")}:\n  " +
                string.Join("\n  ", problems));

        using var noGrad = no_grad();
        foreach (var (key, tensor) in byKey) target[key].copy_(tensor);
    }
}
