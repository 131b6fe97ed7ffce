using System.Text.RegularExpressions;

namespace Phosphene.Notebook.Magics;

/// <summary>What a magic's body is, when it takes one.</summary>
public enum MagicBodyKind
{
    /// <summary>No body: every token on the line is an option or an argument.</summary>
    None,
    /// <summary>C# code: the rest of the line after the options (line magic), or the cell after the first line (cell magic).</summary>
    Code,
    /// <summary>Free text taken as written (HTML, JavaScript, Markdown, an assignment).</summary>
    Text,
}

/// <summary>
/// The options (and positional arguments) of a magic or of one of its subcommands, declared once with a name,
/// a type, a default and a one-line help. Names are kebab-case; <c>--help</c> and <c>--as</c> are reserved.
/// </summary>
public class MagicOptionSet
{
    private readonly List<MagicOption> _options = [];

    /// <summary>The declared options and positional arguments, in declaration order.</summary>
    public IReadOnlyList<MagicOption> Options => _options;

    /// <summary>Declares <c>--name value</c> of type <typeparamref name="T"/>.</summary>
    /// <param name="name">Kebab-case name without dashes, e.g. <c>batch-size</c>.</param>
    /// <param name="defaultValue">The value when the option is not given (null for a nullable number: <c>auto</c>).</param>
    /// <param name="help">One sentence for <c>--help</c>.</param>
    /// <param name="choices">For text options: the accepted words (enums list theirs automatically).</param>
    /// <param name="required">True when the magic (or this form of it) cannot run without it.</param>
    /// <param name="min">Numbers: smallest accepted value.</param>
    /// <param name="max">Numbers: largest accepted value.</param>
    /// <param name="above">Numbers: values must be greater than this.</param>
    /// <param name="below">Numbers: values must be less than this.</param>
    /// <param name="aliases">Enums: extra words for members, shown in place of their names (<c>rk4</c>).</param>
    public MagicOptionSet Option<T>(string name, T defaultValue, string help, IReadOnlyList<string>? choices = null, bool required = false,
                                    double? min = null, double? max = null, double? above = null, double? below = null,
                                    IReadOnlyDictionary<string, T>? aliases = null)
        => Add(new MagicOption(CheckName(name), typeof(T), defaultValue, help, isFlag: false, required, choices, positional: false,
                               Limits(min, max, above, below), aliases?.ToDictionary(a => a.Key, a => (object)a.Value!)));

    /// <summary>Declares a required <c>--name value</c> of type <typeparamref name="T"/> (no default).</summary>
    public MagicOptionSet Required<T>(string name, string help, IReadOnlyList<string>? choices = null,
                                      double? min = null, double? max = null, double? above = null, double? below = null)
        => Add(new MagicOption(CheckName(name), typeof(T), default(T), help, isFlag: false, required: true, choices, positional: false,
                               Limits(min, max, above, below)));

    /// <summary>
    /// Declares <c>--name value</c> of a value <paramref name="kind"/> (a model, images, a table, …): when not given,
    /// the kind's reading of <paramref name="defaultWord"/> (e.g. <c>all</c>), or null.
    /// </summary>
    public MagicOptionSet Option(MagicValueKind kind, string name, string help, bool required = false, string? defaultWord = null)
        => Add(new MagicOption(CheckName(name), kind.ValueType, defaultWord, help, isFlag: false, required, null, positional: false, kind: kind));

    /// <summary>Declares a flag <c>--name</c> (false when absent, true when present).</summary>
    public MagicOptionSet Flag(string name, string help)
        => Add(new MagicOption(CheckName(name), typeof(bool), false, help, isFlag: true, required: false, null, positional: false));

    /// <summary>Declares a positional argument (written without <c>--name</c>), filled in declaration order.</summary>
    public MagicOptionSet Argument<T>(string name, string help, T defaultValue = default!, bool required = false, IReadOnlyList<string>? choices = null)
        => Add(new MagicOption(CheckName(name), typeof(T), defaultValue, help, isFlag: false, required, choices, positional: true));

    private static MagicLimits? Limits(double? min, double? max, double? above, double? below)
        => min is null && max is null && above is null && below is null ? null : new MagicLimits(min, max, above, below);

    /// <summary>The option called <paramref name="name"/>, if declared.</summary>
    public MagicOption? Find(string name) => _options.FirstOrDefault(o => o.Name == name);

    private MagicOptionSet Add(MagicOption option)
    {
        if (_options.Any(o => o.Name == option.Name))
            throw new ArgumentException($"option '--{option.Name}' is declared twice", nameof(option));
        _options.Add(option);
        return this;
    }

    private static string CheckName(string name)
    {
        if (!KebabName().IsMatch(name))
            throw new ArgumentException($"option name '{name}' must be kebab-case (lowercase words joined by '-'), e.g. 'batch-size'", nameof(name));
        if (name is "help" or "as")
            throw new ArgumentException($"option name '--{name}' is reserved for every magic", nameof(name));
        return name;
    }

    private static readonly Regex KebabPattern = new("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", RegexOptions.Compiled);

    private static Regex KebabName() => KebabPattern;
}

/// <summary>
/// One form of a magic with its own options: a subcommand (<c>%probe similarity …</c>), or the bare form written
/// without a subcommand (<see cref="MagicDeclaration.Bare"/>, whose <see cref="Name"/> is empty).
/// </summary>
public sealed class MagicSubcommand : MagicOptionSet
{
    internal MagicSubcommand(string name, string help)
    {
        Name = name;
        Help = help;
    }

    /// <summary>The subcommand's name; empty for the bare form.</summary>
    public string Name { get; }

    /// <summary>One sentence for <c>--help</c>.</summary>
    public string Help { get; }
}

/// <summary>
/// Everything a magic accepts: options shared by all its forms (declared on the declaration itself), the options of
/// the bare form (<see cref="Bare"/>: only without a subcommand), the subcommands with their own options, and the
/// body. An option required in one form is required there only. Built once by <see cref="Magic.Declare"/>.
/// </summary>
public sealed class MagicDeclaration : MagicOptionSet
{
    private readonly List<MagicSubcommand> _subcommands = [];

    /// <summary>The declared subcommands, in declaration order.</summary>
    public IReadOnlyList<MagicSubcommand> Subcommands => _subcommands;

    /// <summary>When true, a subcommand must be given; when false, the magic also runs with none.</summary>
    public bool SubcommandRequired { get; set; } = true;

    /// <summary>The options of the bare form (no subcommand); declaring any makes a subcommand optional.</summary>
    public MagicSubcommand BareForm { get; } = new("", "");

    /// <summary>Declares the options that apply only when no subcommand is given (and makes a subcommand optional).</summary>
    public MagicDeclaration Bare(Action<MagicSubcommand> declare)
    {
        SubcommandRequired = false;
        declare(BareForm);
        return this;
    }

    /// <summary>The options of a form: the subcommand's (or the bare form's) own, then the shared ones.</summary>
    public IReadOnlyList<MagicOption> OptionsOf(MagicSubcommand? subcommand)
        => (subcommand ?? BareForm).Options.Concat(Options).ToList();

    /// <summary>What follows the options: nothing, C# code, or text.</summary>
    public MagicBodyKind Body { get; private set; }

    /// <summary>How the body is called in usage lines (<c>code</c>, <c>html</c>, …).</summary>
    public string BodyName { get; private set; } = "";

    /// <summary>One sentence for <c>--help</c> about the body.</summary>
    public string BodyHelp { get; private set; } = "";

    /// <summary>Declares a subcommand with its own options (added by <paramref name="declare"/>).</summary>
    public MagicDeclaration Subcommand(string name, string help, Action<MagicSubcommand>? declare = null)
    {
        if (_subcommands.Any(s => s.Name == name))
            throw new ArgumentException($"subcommand '{name}' is declared twice", nameof(name));
        var subcommand = new MagicSubcommand(name, help);
        declare?.Invoke(subcommand);
        _subcommands.Add(subcommand);
        return this;
    }

    /// <summary>Declares that the magic takes a body of <paramref name="kind"/> called <paramref name="name"/>.</summary>
    public MagicDeclaration TakesBody(MagicBodyKind kind, string name, string help)
    {
        Body = kind;
        BodyName = name;
        BodyHelp = help;
        return this;
    }

    /// <summary>The subcommand called <paramref name="name"/>, if declared.</summary>
    public MagicSubcommand? FindSubcommand(string name) => _subcommands.FirstOrDefault(s => s.Name == name);
}
