using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Phosphene.Tests.Data;
using static TorchSharp.torch;

namespace Phosphene.Tests.Probing;

/// <summary>Runs a Python snippet with Debian's scikit-learn on tensors written as text, and parses its JSON output.</summary>
internal static class ScikitLearn
{
    const string Python = "/usr/bin/python3";

    /// <summary>
    /// Writes each tensor to <c>name.txt</c> (loaded in Python as the numpy array <c>name</c>), runs
    /// <paramref name="body"/>, which must assign a dict to <c>out</c>, and returns that dict.
    /// </summary>
    public static JsonElement Run(string body, params (string Name, Tensor Value)[] arrays)
    {
        using var dir = new TempDirectory();
        var script = new StringBuilder("import json, numpy as np\n");
        foreach (var (name, value) in arrays)
        {
            var path = dir.File(name + ".txt");
            var t = value.to(ScalarType.Float64).cpu();
            var shape = t.shape;
            var data = t.contiguous().data<double>().ToArray();
            long columns = shape.Length == 2 ? shape[1] : 1;
            using (var writer = new StreamWriter(path))
                for (long i = 0; i < data.Length; i += columns)
                    writer.WriteLine(string.Join(' ', data.Skip((int)i).Take((int)columns).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            script.Append($"{name} = np.loadtxt({JsonSerializer.Serialize(path)}, ndmin=2)\n");
            if (shape.Length == 1) script.Append($"{name} = {name}[:, 0]\n");
        }
        script.Append(body).Append("\nprint(json.dumps(out))\n");
        var scriptPath = dir.File("run.py");
        File.WriteAllText(scriptPath, script.ToString());
        var start = new ProcessStartInfo(Python, scriptPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"python failed: {stderr}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }
}
