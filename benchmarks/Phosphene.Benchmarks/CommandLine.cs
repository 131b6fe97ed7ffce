using Phosphene;

namespace Phosphene.Benchmarks;

/// <summary>
/// The options of a benchmark command: <c>--name value</c> pairs and <c>--flag</c>s; every command also takes
/// <c>--report FILE</c> (append its markdown tables there).
/// </summary>
sealed class CommandLine
{
    static readonly string[] Flags = ["no-peer"];
    readonly Dictionary<string, string?> _values;

    CommandLine(Dictionary<string, string?> values) => this._values = values;

    public static CommandLine Parse(string[] args, IReadOnlyCollection<string> known)
    {
        var values = new Dictionary<string, string?>();
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--"))
                throw new PhospheneException($"unexpected argument '{args[i]}'; options look like --name value");
            string name = args[i][2..];
            if (!known.Contains(name) && name != "report")
                throw new PhospheneException($"unknown option '--{name}'{Suggestions.DidYouMean(name, known)}");
            if (Flags.Contains(name)) values[name] = null;
            else if (i + 1 < args.Length) values[name] = args[++i];
            else throw new PhospheneException($"option '--{name}' needs a value");
        }
        return new CommandLine(values);
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string Get(string name, string fallback) => _values.TryGetValue(name, out var v) && v is not null ? v : fallback;

    public int GetInt(string name, int fallback) =>
        !_values.TryGetValue(name, out var v) || v is null ? fallback
        : int.TryParse(v, out int n) && n > 0 ? n
        : throw new PhospheneException($"option '--{name}' needs a positive integer, got '{v}'");
}
