using System.Text;
using Phosphene.Notebook.Display;
using Phosphene.Notebook.Magics;

namespace Phosphene.Kernel.Execution;

/// <summary>
/// What magics see of the kernel while a cell runs: the session's variables, C# evaluated and run in the session
/// (reported at the cell's lines), variable binding, displays, the cell's output stream and cancellation.
/// </summary>
internal sealed class KernelMagicContext : IMagicContext
{
    private readonly ScriptSession _session;
    private readonly ICellHost _host;
    private readonly int _executionCount;
    private readonly Func<bool> _isCurrent;

    public KernelMagicContext(ScriptSession session, ICellHost host, int executionCount, CancellationToken cancellationToken, Func<bool> isCurrent)
    {
        _session = session;
        _host = host;
        _executionCount = executionCount;
        CancellationToken = cancellationToken;
        _isCurrent = isCurrent;
    }

    /// <summary>The cell line (0-based) where the running magic's code starts, so errors point at the cell's lines.</summary>
    public int CodeLine { get; set; }

    public CancellationToken CancellationToken { get; }

    public TextWriter Out => Console.Out;

    public IReadOnlyList<SessionVariable> Variables
        => _session.Variables.Select(v => new SessionVariable(v.Name, v.Type, v.Value)).ToList();

    public bool TryGetVariable(string name, out object? value)
    {
        var variable = _session.Variables.LastOrDefault(v => v.Name == name);
        value = variable?.Value;
        return variable is not null;
    }

    public object? Evaluate(string expression)
    {
        var result = _session.Evaluate(expression, _executionCount);
        if (result.Error is { } error)
            throw new SessionCodeException(error.Name, error.Value, error.Traceback);
        return result.Value;
    }

    public CodeOutcome Run(string code)
    {
        var result = _session.Run(new string('\n', CodeLine) + code, _executionCount, CancellationToken, _isCurrent);
        if (result.Error is { } error)
            throw new SessionCodeException(error.Name, error.Value, error.Traceback);
        return new CodeOutcome(result.HasValue, result.Value);
    }

    public void SetVariable(string name, object? value)
    {
        // Declare the variable with the value's own type when C# can name it, so members are usable without a cast.
        foreach (var type in CandidateTypes(value?.GetType()))
        {
            CellGlobals.PendingBinding = value;
            var result = _session.Run($"var {name} = ({type})__TakeBinding();", _executionCount, CancellationToken, _isCurrent);
            if (result.Succeeded)
                return;
        }
        throw new MagicException($"could not bind the result to the variable '{name}'");
    }

    public IDisplayHandle Display(object? value)
    {
        var handle = new DisplayHandle(_host, Guid.NewGuid().ToString("N"));
        _host.Display(value, handle.Id, update: false);
        return handle;
    }

    public void ClearOutput(bool wait = false) => _host.ClearOutput(wait);

    private static IEnumerable<string> CandidateTypes(Type? type)
    {
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            if (CSharpName(t) is { } name)
            {
                yield return name;
                break;
            }
        yield return "object";
    }

    // `global::Ns.Outer.Inner<global::System.Int32>`, or null for types C# cannot name (non-public, anonymous).
    private static string? CSharpName(Type type)
    {
        if (!type.IsVisible || type.IsPointer || type.IsByRef || type.Name.Contains('<'))
            return null;
        if (type.IsArray)
            return CSharpName(type.GetElementType()!) is { } element ? element + "[" + new string(',', type.GetArrayRank() - 1) + "]" : null;
        if (type.IsGenericParameter)
            return null;
        var arguments = type.IsGenericType ? type.GetGenericArguments().Select(CSharpName).ToList() : [];
        if (arguments.Any(a => a is null))
            return null;
        var chain = new List<Type>();
        for (var t = type; t is not null; t = t.DeclaringType)
            chain.Insert(0, t);
        var name = new StringBuilder("global::");
        if (!string.IsNullOrEmpty(type.Namespace))
            name.Append(type.Namespace).Append('.');
        var used = 0;
        for (var i = 0; i < chain.Count; i++)
        {
            var part = chain[i].Name;
            var tick = part.IndexOf('`');
            if (i > 0)
                name.Append('.');
            if (tick < 0)
            {
                name.Append(part);
                continue;
            }
            var count = int.Parse(part[(tick + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            name.Append(part[..tick]).Append('<').Append(string.Join(", ", arguments.Skip(used).Take(count))).Append('>');
            used += count;
        }
        return name.ToString();
    }
}
