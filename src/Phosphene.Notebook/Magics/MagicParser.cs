namespace Phosphene.Notebook.Magics;

/// <summary>The start of a magic line: <c>%name</c> or <c>%%name</c>, optionally followed by <c>?</c>.</summary>
internal sealed record MagicHeader(bool IsCell, string Name, int NameStart, int NameEnd, bool HelpSuffix, int RestStart)
{
    /// <summary>Reads the header of <paramref name="line"/>; null when the line does not start with % and a name.</summary>
    public static MagicHeader? Read(string line)
    {
        var i = 0;
        while (i < line.Length && char.IsWhiteSpace(line[i]))
            i++;
        if (i >= line.Length || line[i] != '%')
            return null;
        i++;
        var isCell = i < line.Length && line[i] == '%';
        if (isCell)
            i++;
        var nameStart = i;
        while (i < line.Length && (char.IsLetterOrDigit(line[i]) || line[i] is '-' or '_'))
            i++;
        if (i == nameStart || !char.IsLetter(line[nameStart]))
            return null;
        var nameEnd = i;
        var help = i < line.Length && line[i] == '?';
        if (help)
            i++;
        if (i < line.Length && !char.IsWhiteSpace(line[i]))
            return null;
        return new MagicHeader(isCell, line[nameStart..nameEnd], nameStart, nameEnd, help, i);
    }
}

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
        // --help anywhere among the options asks for usage, whatever else is on the line.
        if (tokens.Any(t => t.Kind == MagicTokenKind.Bare && t.Text == "--help") && (declaration.Body == MagicBodyKind.None || header.IsCell || OptionsBeforeBody(tokens).Any(t => t.Text == "--help")))
            return new ParsedMagic(magic, null, true);

        var index = 0;
        string? subcommandName = null;
        MagicOptionSet scope = declaration;
        if (declaration.Subcommands.Count > 0)
        {
            var first = index < tokens.Count ? tokens[index] : null;
            if (first is { Kind: MagicTokenKind.Bare } && !first.Text.StartsWith("--", StringComparison.Ordinal) && declaration.FindSubcommand(first.Text) is { } found)
            {
                subcommandName = found.Name;
                scope = found;
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

        var available = scope == declaration ? declaration.Options.ToList() : scope.Options.Concat(declaration.Options).ToList();
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
                if (name == "as")
                {
                    var target = inline ?? (index < tokens.Count ? tokens[index++].Text : null);
                    if (target is null || !MagicValues.IsIdentifier(target))
                        throw new MagicException($"{written}: --as needs a C# variable name, e.g. --as result" + (target is null ? "" : $"; '{target}' is not one"));
                    bindAs = target;
                    continue;
                }
                var option = available.FirstOrDefault(o => o.Name == name && !o.IsPositional);
                if (option is null)
                {
                    var names = available.Where(o => !o.IsPositional).Select(o => o.Name).Append("as").Append("help");
                    var suggestion = Suggestions.Closest(name, names);
                    var elsewhere = subcommandName is null ? declaration.Subcommands.FirstOrDefault(s => s.Find(name) is { IsPositional: false }) : null;
                    throw new MagicException($"{written}{(subcommandName is null ? "" : " " + subcommandName)} has no option '--{name}'"
                        + (suggestion is null ? "" : $"; did you mean '--{suggestion}'?")
                        + (elsewhere is null ? "" : $" ('--{name}' belongs to the subcommand: {written} {elsewhere.Name} --{name} …)")
                        + $" (see {written}{(subcommandName is null ? "" : " " + subcommandName)} --help)");
                }
                if (given.Contains(option.Name))
                    throw new MagicException($"{written}: option '--{option.Name}' is given twice; give it once");
                if (option.IsFlag)
                {
                    if (inline is not null)
                    {
                        values[option.Name] = bool.TryParse(inline, out var flag) ? flag
                            : throw new MagicException($"{written}: flag '--{option.Name}' is true when present; write --{option.Name} alone (or --{option.Name}=false)");
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
                        throw new MagicException($"{written}: option '--{option.Name}' needs a value ({option.ValueSyntax}): {option.Help}");
                    valueToken = tokens[index++];
                }
                values[option.Name] = MagicValues.Parse(valueToken, option, context, written);
                given.Add(option.Name);
                continue;
            }

            if (nextPositional < positionals.Count)
            {
                var argument = positionals[nextPositional++];
                values[argument.Name] = MagicValues.Parse(token, argument, context, written);
                given.Add(argument.Name);
                index++;
                continue;
            }
            if (declaration.Body != MagicBodyKind.None && !header.IsCell)
            {
                body = line[token.Start..].Trim();
                break;
            }
            throw new MagicException($"{written}{(subcommandName is null ? "" : " " + subcommandName)}: unexpected '{line[token.Start..token.End]}'"
                + (positionals.Count == 0 ? "; options are written --name value" : $"; it takes {positionals.Count} argument(s): {string.Join(" ", positionals)}")
                + $" (see {written} --help)");
        }

        foreach (var option in available)
        {
            if (values.ContainsKey(option.Name))
                continue;
            if (option.Required)
                throw new MagicException($"{written}{(subcommandName is null ? "" : " " + subcommandName)} needs {(option.IsPositional ? $"the argument <{option.Name}>" : $"--{option.Name} {option.ValueSyntax}")}: {option.Help}");
            values[option.Name] = option.Default;
        }
        if (declaration.Body == MagicBodyKind.Code && string.IsNullOrWhiteSpace(body))
            throw new MagicException(header.IsCell
                ? $"{written} needs {declaration.BodyName} in the cell below the magic line"
                : $"{written} needs {declaration.BodyName} after the options, e.g. {written} {(magic.Name.StartsWith("time", StringComparison.Ordinal) ? "Math.Sqrt(2)" : "…")}");
        return new ParsedMagic(magic, new MagicInvocation(magic, header.IsCell, line, subcommandName, values, given, body, bindAs), false);
    }

    // For a line magic with a body, only the tokens before the body are options: `%time f("--help")` times f.
    private static IEnumerable<MagicToken> OptionsBeforeBody(List<MagicToken> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Kind != MagicTokenKind.Bare || !tokens[i].Text.StartsWith("--", StringComparison.Ordinal))
                yield break;
            yield return tokens[i];
        }
    }
}
