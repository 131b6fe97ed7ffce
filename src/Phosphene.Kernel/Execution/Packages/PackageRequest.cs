using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Phosphene.Kernel.Execution.Packages;

/// <summary>
/// One <c>#r "nuget: Name, Version"</c> directive: a package id and an optional version (a NuGet version or range;
/// none means the newest stable release).
/// </summary>
/// <param name="Name">The package id, as written.</param>
/// <param name="Version">The version or range, or null for the newest stable release.</param>
public sealed record PackageRequest(string Name, string? Version)
{
    /// <summary>The prefix that marks a package reference in a <c>#r</c> directive.</summary>
    public const string Scheme = "nuget:";

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);

    /// <summary>The directive's text as a user writes it.</summary>
    public override string ToString() => Version is null ? $"{Name} (newest stable)" : $"{Name} {Version}";

    /// <summary>
    /// Parses the reference of a <c>#r</c> directive (<c>nuget: Name</c> or <c>nuget: Name, Version</c>); null when
    /// <paramref name="reference"/> is not a package reference.
    /// </summary>
    /// <exception cref="FormatException">The reference starts with <c>nuget:</c> but names no package.</exception>
    public static PackageRequest? TryParse(string reference)
    {
        if (!reference.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            return null;
        var parts = reference[Scheme.Length..].Split(',', 2, StringSplitOptions.TrimEntries); // a range has commas too
        if (parts.Length is < 1 or > 2 || parts[0].Length == 0 || parts[0].Any(char.IsWhiteSpace) || parts.Length == 2 && parts[1].Length == 0)
            throw new FormatException($"'#r \"{reference}\"' is not a package reference: write #r \"nuget: Name\" or #r \"nuget: Name, 1.2.3\".");
        return new PackageRequest(parts[0], parts.Length == 2 ? parts[1] : null);
    }

    /// <summary>The package references among the <c>#r</c> directives of a cell, in order.</summary>
    /// <exception cref="FormatException">A <c>nuget:</c> directive names no package.</exception>
    public static IReadOnlyList<PackageRequest> InCell(string code)
    {
        if (!code.Contains("#r", StringComparison.Ordinal))
            return [];
        var root = CSharpSyntaxTree.ParseText(code, ParseOptions).GetCompilationUnitRoot();
        return root.GetReferenceDirectives().Select(d => TryParse(d.File.ValueText)).OfType<PackageRequest>().ToList();
    }
}
