namespace Phosphene.Notebook.Magics;

/// <summary>A parsed magic line: either an invocation to run or a request for the magic's usage.</summary>
internal sealed record ParsedMagic(Magic Magic, MagicInvocation? Invocation, bool HelpRequested);

/// <summary>Parses a magic line against its magic's declaration, converting every value to its declared type.</summary>
internal static class MagicParser
{
    public static ParsedMagic Parse(MagicRegistry registry, string line, string? cellBody, IMagicContext context)
    {
        line = line.TrimEnd('\r', '\n');
        var header = MagicHeader.Read(line)
            ?? throw new MagicException($"'{line.Trim()}' is not a magic: write % followed by a magic's name (%lsmagic lists them)");
        var written = (header.IsCell ? "%%" : "%") + header.Name;
        if (!registry.TryGet(header.Name, out var magic))
        {
            var candidates = registry.Magics.Where(m => m.Modes.HasFlag(header.IsCell ? MagicModes.Cell : MagicModes.Line)).Select(m => m.Name);
            var suggestion = Suggestions.Closest(header.Name, candidates);
            throw new MagicException($"unknown magic '{written}'" + (suggestion is null ? "" : $"; did you mean '{(header.IsCell ? "%%" : "%")}{suggestion}'?") + " (%lsmagic lists the magics)");
        }
        if (header.IsCell && cellBody is null)
            throw new MagicException($"{written} is a cell magic: write it as the first line of the cell, with the body below it");
        if (header.IsCell && !magic.Modes.HasFlag(MagicModes.Cell))
            throw new MagicException($"%{magic.Name} is a line magic, not a cell magic: write %{magic.Name} with a single %");
        if (!header.IsCell && !magic.Modes.HasFlag(MagicModes.Line))
            throw new MagicException($"%%{magic.Name} is a cell magic: write %%{magic.Name} as the first line of the cell, with the body below it");
        if (header.HelpSuffix)
            return new ParsedMagic(magic, null, true);

        var declaration = magic.Declaration;
        var tokens = MagicTokenizer.Tokenize(line, header.RestStart, lenient: declaration.Body != MagicBodyKind.None && !header.IsCell);
        // --help among the options asks for usage, whatever else is on the line (for a line magic with a body, only
        // before the body: `%time f("--help")` times f). Checked first so a typo elsewhere does not hide the help.
        if (declaration.Body == MagicBodyKind.None || header.IsCell ? tokens.Any(IsHelp) : tokens.Count > 0 && IsHelp(tokens[0]))
            return new ParsedMagic(magic, null, true);

        var index = 0;
        MagicSubcommand? subcommand = null;
        if (declaration.Subcommands.Count > 0)
        {
            var first = index < tokens.Count ? tokens[index] : null;
            if (first is { Kind: MagicTokenKind.Bare } && !first.Text.StartsWith("--", StringComparison.Ordinal) && declaration.FindSubcommand(first.Text) is { } found)
            {
                subcommand = found;
                index++;
            }
            else if (declaration.SubcommandRequired)
            {
                var names = declaration.Subcommands.Select(s => s.Name).ToList();
                var word = first is { Kind: MagicTokenKind.Bare } && !first.Text.StartsWith("--", StringComparison.Ordinal) ? first.Text : null;
                throw new MagicException(word is null
                    ? $"{written} needs a subcommand: {string.Join(", ", names)} (see {written} --help)"
                    : $"{written} has no subcommand '{word}'{Suggestions.DidYouMean(word, names)} (subcommands: {string.Join(", ", names)})");
            }
        }
        var subcommandName = subcommand?.Name;
        var form = subcommandName is null ? written : $"{written} {subcommandName}";
        var available = declaration.OptionsOf(subcommand);
        var values = new Dictionary<string, object?>();
        var given = new HashSet<string>();
        string? bindAs = null;
        var positionals = available.Where(o => o.IsPositional).ToList();
        var nextPositional = 0;
        var body = header.IsCell ? cellBody! : "";

        while (index < tokens.Count)
        {
            var token = tokens[index];
            if (token.Kind == MagicTokenKind.Bare && token.Text.StartsWith("--", StringComparison.Ordinal) && token.Text.Length > 2)
            {
                var name = token.Text[2..];
                string? inline = null;
                var equals = name.IndexOf('=');
                if (equals >= 0)
                {
                    inline = name[(equals + 1)..];
                    name = name[..equals];
                }
                index++;
                if (name == "help" && inline is null)
                    return new ParsedMagic(magic, null, true);
                if (name == "as")
                {
                    var target = inline ?? (index < tokens.Count ? tokens[index++].Text : null);
                    if (target is null || !MagicLiterals.IsIdentifier(target))
                        throw new MagicException($"{written}: --as needs a C# variable name, e.g. --as result" + (target is null ? "" : $"; '{target}' is not one"));
                    bindAs = target;
                    continue;
                }
                var option = available.FirstOrDefault(o => o.Name == name && !o.IsPositional);
                if (option is null)
                {
                    // An option of another form is named there; a close name of this form is suggested only otherwise.
                    var names = available.Where(o => !o.IsPositional).Select(o => o.Name).Append("as").Append("help");
                    var hint = Elsewhere(declaration, subcommand, name, written)
                               ?? (Suggestions.Closest(name, names) is { } suggestion ? $"; did you mean '--{suggestion}'?" : "");
                    throw new MagicException($"{form} has no option '--{name}'{hint} (see {form} --help)");
                }
                if (given.Contains(option.Name))
                    throw new MagicException($"{form}: option '--{option.Name}' is given twice; give it once");
                if (option.IsFlag)
                {
                    if (inline is not null)
                    {
                        values[option.Name] = bool.TryParse(inline, out var flag) ? flag
                            : throw new MagicException($"{form}: flag '--{option.Name}' is true when present; write --{option.Name} alone (or --{option.Name}=false)");
                    }
                    else
                    {
                        values[option.Name] = true;
                    }
                    given.Add(option.Name);
                    continue;
                }
                MagicToken valueToken;
                if (inline is not null)
                {
                    valueToken = MagicTokenizer.Classify(inline, token.Start + 3 + name.Length);
                }
                else
                {
                    if (index >= tokens.Count || tokens[index] is { Kind: MagicTokenKind.Bare } next && next.Text.StartsWith("--", StringComparison.Ordinal) && next.Text.Length > 2 && !char.IsDigit(next.Text[2]))
                        throw new MagicException($"{form}: option '--{option.Name}' needs a value ({option.ValueSyntax}): {option.Help}");
                    valueToken = tokens[index++];
                }
                values[option.Name] = MagicValues.Parse(valueToken, option, context, form);
                given.Add(option.Name);
                continue;
            }

            if (nextPositional < positionals.Count)
            {
                var argument = positionals[nextPositional++];
                values[argument.Name] = MagicValues.Parse(token, argument, context, form);
                given.Add(argument.Name);
                index++;
                continue;
            }
            if (declaration.Body != MagicBodyKind.None && !header.IsCell)
            {
                body = line[token.Start..].Trim();
                break;
            }
            throw new MagicException($"{form}: unexpected '{line[token.Start..token.End]}'"
                + (positionals.Count == 0 ? "; options are written --name value" : $"; it takes {positionals.Count} argument(s): {string.Join(" ", positionals)}")
                + $" (see {form} --help)");
        }

        foreach (var option in available)
        {
            if (values.ContainsKey(option.Name))
                continue;
            if (option.Required)
                throw new MagicException($"{form} needs {(option.IsPositional ? $"the argument <{option.Name}>" : $"--{option.Name} {option.ValueSyntax}")}: {option.Help}");
            values[option.Name] = MagicValues.DefaultOf(option, form);
        }
        if (declaration.Body == MagicBodyKind.Code && string.IsNullOrWhiteSpace(body))
            throw new MagicException(header.IsCell
                ? $"{written} needs {declaration.BodyName} in the cell below the magic line"
                : $"{written} needs {declaration.BodyName} after the options, e.g. {written} {(magic.Name.StartsWith("time", StringComparison.Ordinal) ? "Math.Sqrt(2)" : "…")}");
        return new ParsedMagic(magic, new MagicInvocation(magic, header.IsCell, line, subcommandName, values, given, body, bindAs), false);
    }

    // Where an option that this form lacks is declared instead: another subcommand, or the bare form.
    private static string? Elsewhere(MagicDeclaration declaration, MagicSubcommand? current, string name, string written)
    {
        if (current is not null && declaration.BareForm.Find(name) is { IsPositional: false })
            return $": it belongs to {written} without a subcommand";
        var other = declaration.Subcommands.FirstOrDefault(s => s != current && s.Find(name) is { IsPositional: false });
        return other is null ? null : $": it belongs to {written} {other.Name}";
    }

    private static bool IsHelp(MagicToken token) => token.Kind == MagicTokenKind.Bare && token.Text == "--help";
}
