using Phosphene.Notebook.Display;
using Phosphene.Notebook.Magics;
using Xunit.Abstractions;

namespace Phosphene.Notebook.Tests.Magics;

/// <summary>
/// A seeded fuzz of magic lines built from each magic's declaration (what its --help prints): every subcommand and
/// option given hostile values (numbers out of the type's range, null, null items, sparse tensors, NaN, infinity,
/// objects of the wrong kind), alone and combined. Every line must end in a <see cref="MagicException"/> naming the
/// problem, or run; never another exception type, never a hang. Lines that are valid run with a cancellation token
/// that fires after a few seconds, so an accepted line that starts long work is stopped, not waited for.
/// </summary>
public class MagicFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Hostile =
    [
        "-1e20", "2147483648", "-2147483649", "99999999999999999999", "1e309", "-0.5", "{null}", "{new string[]{null}}",
        "{new double?[]{null}}", "{double.NaN}", "{double.PositiveInfinity}", "{torch.zeros(2,3,8,8).to_sparse()}",
        "{torch.zeros(2,3,8,8, dtype: ScalarType.Int64)}", "{new object()}", "'two words'", "{}", "{1/0}", "nosuchvariable",
    ];

    private const int Lines = 3000;

    [Fact]
    public async Task HostileValuesGiveAClearErrorOrARunNeverAnInternalException()
    {
        var random = new Random(14);
        var registry = MagicRegistry.Default;
        var lines = new List<string>();
        var combinable = new List<(string Magic, string Prefix, List<MagicOption> Named)>();
        foreach (var magic in registry.Magics)
        {
            var declaration = magic.Declaration;
            var forms = declaration.Subcommands.Select(s => (Prefix: s.Name, Options: declaration.OptionsOf(s)))
                .Append(("", declaration.OptionsOf(null))).ToList();
            foreach (var (prefix, options) in forms)
            {
                var named = options.Where(o => !o.IsFlag && !o.IsPositional).ToList();
                foreach (var option in named)
                    foreach (var value in Hostile)
                        lines.Add($"%{magic.Name} {prefix} --{option.Name} {value}");
                if (named.Count > 1)
                    combinable.Add((magic.Name, prefix, named));
            }
        }
        // Seeded combinations, two or three hostile options on one line, up to the issue's 3 000 lines.
        while (lines.Count < Lines)
        {
            var (name, prefix, named) = combinable[random.Next(combinable.Count)];
            var picked = named.OrderBy(_ => random.Next()).Take(random.Next(2, 4));
            lines.Add($"%{name} {prefix} " + string.Join(" ", picked.Select(o => $"--{o.Name} {Hostile[random.Next(Hostile.Length)]}")));
        }
        var context = new ScriptContext(registry);
        context.Run("using TorchSharp; using static TorchSharp.torch;");
        var unclear = new List<string>();
        int clear = 0, ran = 0;
        foreach (var line in lines)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var run = Task.Run(() => registry.Run(line, null, new Bounded(context, stop.Token)));
            var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(finished == run, $"hung: {line}");
            switch (run.Exception?.InnerException)
            {
                case null: ran++; break;
                case MagicException: clear++; break;
                case OperationCanceledException: ran++; break;
                case var other: unclear.Add($"{line}\n    {other.GetType().Name}: {other.Message}"); break;
            }
        }
        output.WriteLine($"{lines.Count} lines: {clear} clear errors, {ran} ran, {unclear.Count} unclear");
        Assert.True(unclear.Count == 0, string.Join("\n", unclear.Take(40)));
    }

    [Theory]
    [InlineData("%timeit --loops -1e20 1+1", "--loops")]
    [InlineData("%kuramoto simulate --n 10 --steps 2147483648", "--steps")]
    [InlineData("%probe similarity --seed 99999999999999999999", "--seed")]
    [InlineData("%attribute --head {null}", "--head")]
    [InlineData("%attribute --metrics {new string[]{null}}", "--metrics")]
    [InlineData("%attribute --inputs {torch.zeros(2,3,8,8).to_sparse()}", "--inputs")]
    public void IssueLinesNameTheOption(string line, string option)
    {
        var context = new ScriptContext();
        var e = Assert.Throws<MagicException>(() => context.Magic(line));
        Assert.Contains(option, e.Message);
    }

    // The test session with a cancellation token that fires: accepted lines that start long work stop early.
    private sealed class Bounded(ScriptContext inner, CancellationToken token) : IMagicContext
    {
        public CancellationToken CancellationToken => token;
        public TextWriter Out => TextWriter.Null;
        public IReadOnlyList<SessionVariable> Variables => inner.Variables;
        public bool TryGetVariable(string name, out object? value) => inner.TryGetVariable(name, out value);
        public object? Evaluate(string expression) => inner.Evaluate(expression);
        public CodeOutcome Run(string code) => inner.Run(code);
        public void SetVariable(string name, object? value) => inner.SetVariable(name, value);
        public IDisplayHandle Display(object? value) => inner.Display(value);
        public void ClearOutput(bool wait = false) => inner.ClearOutput(wait);
    }
}
