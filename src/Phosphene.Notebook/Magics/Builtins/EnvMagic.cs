using System.Collections;
using System.Text;

namespace Phosphene.Notebook.Magics.Builtins;

/// <summary>
/// <c>%env</c>: lists the environment variables; <c>%env NAME</c> shows one; <c>%env NAME=value</c> (or
/// <c>%env NAME value</c>) sets one for this kernel process and the programs it starts.
/// </summary>
public sealed class EnvMagic : Magic
{
    /// <inheritdoc/>
    public override string Name => "env";

    /// <inheritdoc/>
    public override string Summary => "Show the environment variables, one of them (%env NAME), or set one (%env NAME=value).";

    /// <inheritdoc/>
    protected override void Declare(MagicDeclaration declaration)
        => declaration.TakesBody(MagicBodyKind.Text, "NAME[=value]", "Nothing lists all; NAME shows one; NAME=value or NAME value sets it.");

    /// <inheritdoc/>
    public override object? Run(MagicInvocation invocation, IMagicContext context)
    {
        var text = invocation.Body.Trim();
        if (text.Length == 0)
        {
            var all = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
            return new EnvironmentListing(new SortedDictionary<string, string>(all, StringComparer.Ordinal));
        }
        var equals = text.IndexOf('=');
        var space = text.IndexOfAny([' ', '\t']);
        var split = equals >= 0 && (space < 0 || equals < space) ? equals : space;
        if (split < 0)
        {
            var value = Environment.GetEnvironmentVariable(text);
            if (value is not null)
                return value;
            var names = Environment.GetEnvironmentVariables().Keys.Cast<string>();
            throw new MagicException($"%env: no environment variable '{text}'{Suggestions.DidYouMean(text, names)}; set it with %env {text}=value");
        }
        var name = text[..split].Trim();
        var assigned = Unquote(text[(split + 1)..].Trim());
        if (name.Length == 0 || name.Any(char.IsWhiteSpace))
            throw new MagicException($"%env: '{text}' does not name a variable; write %env NAME=value");
        Environment.SetEnvironmentVariable(name, assigned);
        context.Out.WriteLine($"env: {name}={assigned}");
        return null;
    }

    private static string Unquote(string value)
        => value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0] ? value[1..^1] : value;
}

/// <summary>The result of <c>%env</c>: the environment variables, sorted by name.</summary>
/// <param name="Variables">Name → value.</param>
public sealed record EnvironmentListing(IReadOnlyDictionary<string, string> Variables)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (name, value) in Variables)
            text.Append(name).Append('=').Append(value).Append('\n');
        return text.ToString().TrimEnd('\n');
    }
}
