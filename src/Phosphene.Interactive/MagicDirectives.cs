using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Directives;
using Phosphene.Notebook.Magics;

namespace Phosphene.Interactive;

/// <summary>
/// Phosphene's magics as .NET Interactive directives (<c>#!attribute …</c>): each directive's subcommands, parameters,
/// help and value completions come from the magic's <see cref="MagicDeclaration"/>, and its handler runs the line
/// through <see cref="MagicRegistry.Run"/>, so parsing, validation and errors are the magic's own on both hosts.
/// </summary>
internal static class MagicDirectives
{
    /// <summary>The directive for <paramref name="magic"/>: <c>#!name</c> with the declaration's subcommands and options.</summary>
    public static KernelActionDirective For(Magic magic)
    {
        var declaration = magic.Declaration;
        var directive = new KernelActionDirective("#!" + magic.Name) { Description = magic.Summary };
        AddParameters(directive, declaration.BareForm.Options.Concat(declaration.Options));
        foreach (var subcommand in declaration.Subcommands)
        {
            var child = new KernelActionDirective(subcommand.Name) { Description = subcommand.Help };
            AddParameters(child, declaration.OptionsOf(subcommand));
            directive.Subcommands.Add(child);
        }
        return directive;
    }

    /// <summary>The magic line a directive command stands for: <c>#!attribute --method ig</c> → <c>%attribute --method ig</c>.</summary>
    public static string MagicLine(KernelCommand command)
    {
        // The parser hands untyped directives over as an internal command type whose (internal) DirectiveNode holds the
        // text; the package version is pinned, and a change there fails the extension's tests, not a user's cell.
        var node = command.GetType().GetProperty("DirectiveNode")?.GetValue(command);
        var text = (node?.GetType().GetProperty("Text")?.GetValue(node) as string
            ?? throw new InvalidOperationException($"{command.GetType().Name} carries no directive text")).Trim();
        return text.StartsWith("#!", StringComparison.Ordinal) ? "%" + text[2..] : text;
    }

    private static void AddParameters(KernelActionDirective directive, IEnumerable<MagicOption> options)
    {
        var positional = false;
        foreach (var option in options.DistinctBy(o => o.Name))
        {
            if (option.IsPositional)
            {
                // .NET Interactive allows one implicitly named parameter: the first positional argument.
                if (positional)
                    continue;
                positional = true;
            }
            var parameter = new KernelDirectiveParameter("--" + option.Name, option.Help)
            {
                Flag = option.IsFlag,
                AllowImplicitName = option.IsPositional,
                TypeHint = option.IsFlag ? "" : option.ValueSyntax,
            };
            if (option.Choices is { Count: > 0 } choices)
                parameter.AddCompletions(() => choices);
            directive.Parameters.Add(parameter);
        }
        if (directive.Parameters.All(p => p.Name != "--as"))
            directive.Parameters.Add(new KernelDirectiveParameter("--as", "Binds the result to this variable of the C# kernel (the last result is also _)."));
        if (directive.Parameters.All(p => p.Name != "--help"))
            directive.Parameters.Add(new KernelDirectiveParameter("--help", "Shows the usage.") { Flag = true });
    }
}
