namespace Phosphene.Notebook.Magics.Builtins;

/// <summary><c>%who [type]</c>: the names of the session's variables, optionally only those of a type.</summary>
public sealed class WhoMagic : Magic
{
    /// <inheritdoc/>
    public override string Name => "who";

    /// <inheritdoc/>
    public override string Summary => "List the session's variable names (optionally only those whose type is named, e.g. %who Tensor).";

    /// <inheritdoc/>
    protected override void Declare(MagicDeclaration declaration)
        => declaration.Argument<string?>("type", "Only variables whose type (or a base type or interface) has this name.", null);

    /// <inheritdoc/>
    public override object? Run(MagicInvocation invocation, IMagicContext context)
        => new VariableListing(Select(context, invocation.Get<string?>("type")), detailed: false);

    internal static IReadOnlyList<SessionVariable> Select(IMagicContext context, string? type)
    {
        var variables = context.Variables.Where(v => v.Name != "_" && !v.Name.StartsWith("__", StringComparison.Ordinal)).ToList();
        if (type is null)
            return variables;
        var selected = variables.Where(v => Matches(v.Value?.GetType() ?? v.Type, type)).ToList();
        if (selected.Count == 0 && variables.Count > 0)
        {
            var names = variables.Select(v => VariableListing.TypeName(v.Value?.GetType() ?? v.Type)).Distinct();
            if (Suggestions.Closest(type, names) is { } close && close != type)
                throw new MagicException($"no variable has type '{type}'; did you mean '{close}'?");
        }
        return selected;
    }

    private static bool Matches(Type type, string name)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (Named(t, name))
                return true;
        return type.GetInterfaces().Any(i => Named(i, name));
    }

    private static bool Named(Type type, string name)
        => type.Name == name || VariableListing.TypeName(type) == name || type.FullName == name || type.Name.Split('`')[0] == name;
}

/// <summary><c>%whos [type]</c>: the session's variables as a table of name, type and a summary of the value.</summary>
public sealed class WhosMagic : Magic
{
    /// <inheritdoc/>
    public override string Name => "whos";

    /// <inheritdoc/>
    public override string Summary => "Table of the session's variables: name, type, value summary (tensor shape, dtype, device).";

    /// <inheritdoc/>
    protected override void Declare(MagicDeclaration declaration)
        => declaration.Argument<string?>("type", "Only variables whose type (or a base type or interface) has this name.", null);

    /// <inheritdoc/>
    public override object? Run(MagicInvocation invocation, IMagicContext context)
        => new VariableListing(WhoMagic.Select(context, invocation.Get<string?>("type")), detailed: true);
}
