using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Phosphene.Tests.Data;
using static TorchSharp.torch;

namespace Phosphene.Tests;

/// <summary>
/// Runs reference code in Debian's Python (/usr/bin/python3 with python3-torch 1.13, scikit-learn and NumPy), the one
/// way the tests compute numbers with the peers at test time. A failing script fails the test with Python's output.
/// </summary>
internal static class PythonReference
{
    const string Python = "/usr/bin/python3";

    static readonly string ModelScripts =
        Path.Combine(DataCatalogTests.RepositoryRoot(), "src", "Phosphene", "Models", "PyTorch");

    /// <summary>
    /// Runs <paramref name="code"/> (with src/Phosphene/Models/PyTorch importable) in
    /// <paramref name="workingDirectory"/> (default a temporary folder) and returns its standard output, trimmed.
    /// </summary>
    public static string Run(string code, string? workingDirectory = null)
    {
        using var temporary = new TempDirectory();
        string script = temporary.File("reference.py");
        File.WriteAllText(script, $"import sys\nsys.path.insert(0, {JsonSerializer.Serialize(ModelScripts)})\n{code}\n");
        var start = new ProcessStartInfo(Python, [script])
        {
            WorkingDirectory = workingDirectory ?? temporary.Path, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"{Python} is required (environment/setup.sh installs python3-torch)");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{Python} failed (environment/setup.sh installs the peers):\n{stderr.Result}");
        return stdout.Trim();
    }

    /// <summary>
    /// Loads each tensor as the NumPy float64 array of its name (1-D or 2-D), runs <paramref name="body"/>, which must
    /// assign a JSON-serialisable dict to <c>out</c>, and returns that dict.
    /// </summary>
    public static JsonElement RunJson(string body, params (string Name, Tensor Value)[] arrays)
    {
        using var dir = new TempDirectory();
        var script = new StringBuilder("import json, numpy as np\n");
        foreach (var (name, value) in arrays)
        {
            var path = dir.File(name + ".txt");
            using var t = value.to(ScalarType.Float64).cpu().contiguous();
            var data = t.data<double>().ToArray();
            long columns = t.shape.Length == 2 ? t.shape[1] : 1;
            using (var writer = new StreamWriter(path))
                for (long i = 0; i < data.Length; i += columns)
                    writer.WriteLine(string.Join(' ', data.Skip((int)i).Take((int)columns).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            script.Append($"{name} = np.loadtxt({JsonSerializer.Serialize(path)}, ndmin=2)\n");
            if (t.shape.Length == 1) script.Append($"{name} = {name}[:, 0]\n");
        }
        script.Append(body).Append("\nprint(json.dumps(out))\n");
        return JsonDocument.Parse(Run(script.ToString())).RootElement.Clone();
    }
}
