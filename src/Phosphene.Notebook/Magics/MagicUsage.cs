using System.Globalization;
using System.Text;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// The usage of a magic, generated from its declaration: what <c>%name --help</c> and <c>%name?</c> show.
/// Its text is the display (text/plain).
/// </summary>
public sealed class MagicUsage
{
    internal MagicUsage(Magic magic) => Text = Render(magic);

    /// <summary>The usage text.</summary>
    public string Text { get; }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private static string Render(Magic magic)
    {
        var d = magic.Declaration;
        var text = new StringBuilder();
        var forms = new List<string>();
        if (magic.Modes.HasFlag(MagicModes.Line))
            forms.Add(Synopsis("%" + magic.Name, d, cell: false));
        if (magic.Modes.HasFlag(MagicModes.Cell))
            forms.Add(Synopsis("%%" + magic.Name, d, cell: true));
        text.AppendLine(CultureInfo.InvariantCulture, $"{forms[0]}");
        foreach (var form in forms.Skip(1))
            text.AppendLine(CultureInfo.InvariantCulture, $"{form}");
        text.AppendLine();
        text.AppendLine(magic.Summary);
        if (d.Body != MagicBodyKind.None && d.BodyHelp.Length > 0)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"  {d.BodyName,-24}{d.BodyHelp}");
        }
        var positionals = d.Options.Where(o => o.IsPositional).ToList();
        if (positionals.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Arguments:");
            foreach (var argument in positionals)
                text.AppendLine(Line(argument));
        }
        if (d.Subcommands.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Subcommands:");
            foreach (var subcommand in d.Subcommands)
                text.AppendLine(CultureInfo.InvariantCulture, $"  {subcommand.Name,-24}{subcommand.Help}");
            foreach (var subcommand in d.Subcommands.Where(s => s.Options.Count > 0))
            {
                text.AppendLine();
                text.AppendLine(CultureInfo.InvariantCulture, $"Options of '{subcommand.Name}':");
                foreach (var option in subcommand.Options)
                    text.AppendLine(Line(option));
            }
        }
        if (d.BareForm.Options.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Options without a subcommand (%{magic.Name} --…):");
            foreach (var option in d.BareForm.Options)
                text.AppendLine(Line(option));
        }
        text.AppendLine();
        text.AppendLine(d.Subcommands.Count > 0 ? "Options of every form:" : "Options:");
        foreach (var option in d.Options.Where(o => !o.IsPositional))
            text.AppendLine(Line(option));
        text.AppendLine(CultureInfo.InvariantCulture, $"  {"--as name",-24}Bind the result to a session variable (the last result is also _).");
        text.Append(CultureInfo.InvariantCulture, $"  {"--help",-24}Show this help (also %{magic.Name}?).");
        text.AppendLine();
        text.AppendLine();
        text.Append("Values: numbers, start:stop[:step] ranges, a,b,c lists, \"quoted text\", a session variable's name, or a C# expression in braces {x[..8]}.");
        var kinds = d.Subcommands.Prepend(d.BareForm).SelectMany(s => s.Options).Concat(d.Options)
            .Select(o => o.Kind).OfType<MagicValueKind>().Distinct().ToList();
        foreach (var kind in kinds)
            text.Append(CultureInfo.InvariantCulture, $"\n  {kind.Name,-24}{kind.Description}");
        return text.ToString();
    }

    private static string Synopsis(string written, MagicDeclaration d, bool cell)
    {
        var parts = new List<string> { written };
        if (d.Subcommands.Count > 0)
            parts.Add(d.SubcommandRequired ? "<subcommand>" : "[subcommand]");
        parts.AddRange(d.Options.Where(o => o.IsPositional).Select(o => o.Required ? $"<{o.Name}>" : $"[{o.Name}]"));
        parts.Add("[--option value | --flag] …");
        if (d.Body != MagicBodyKind.None)
            parts.Add(cell ? $"\n    <{d.BodyName} on the following lines>" : $"<{d.BodyName}>");
        return string.Join(" ", parts);
    }

    private static string Line(MagicOption option)
    {
        var head = option.IsPositional ? $"<{option.Name}>" : option.IsFlag ? $"--{option.Name}" : $"--{option.Name} {option.ValueSyntax}";
        var tail = option.Required ? " (required)" : option.AcceptsAuto && option.Default is null ? " (default auto)"
            : option.IsFlag || option.Default is null ? "" : $" (default {FormatDefault(option.Default, option)})";
        return head.Length >= 24 ? $"  {head}\n  {"",-24}{option.Help}{tail}" : $"  {head,-24}{option.Help}{tail}";
    }

    private static string FormatDefault(object value, MagicOption option) => value switch
    {
        string s => $"\"{s}\"",
        Enum e => option.Aliases.FirstOrDefault(a => a.Value.Equals(e)).Key ?? MagicTypes.Kebab(e.ToString()),
        System.Collections.IEnumerable sequence => string.Join(",", sequence.Cast<object?>().Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
