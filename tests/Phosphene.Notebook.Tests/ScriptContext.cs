using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Phosphene.Notebook.Display;
using Phosphene.Notebook.Magics;

namespace Phosphene.Notebook.Tests;

/// <summary>Globals of the test session: the slot through which SetVariable hands a value to the script.</summary>
public sealed class TestGlobals
{
    public object? Pending;
}

/// <summary>A magic host on a real Roslyn scripting session (as a kernel would be), recording displays and output.</summary>
public sealed class ScriptContext : IMagicContext
{
    private readonly TestGlobals _globals = new();
    private readonly ScriptOptions _options = ScriptOptions.Default
        .WithReferences(typeof(object).Assembly, typeof(Enumerable).Assembly, typeof(TorchSharp.torch).Assembly, typeof(MagicRegistry).Assembly, typeof(PhospheneException).Assembly, typeof(ScriptContext).Assembly)
        .WithImports("System", "System.Linq", "System.Collections.Generic", "TorchSharp", "Phosphene.Notebook.Magics");
    private ScriptState<object>? _state;

    public ScriptContext(MagicRegistry? registry = null) => Registry = registry ?? MagicRegistry.Default;

    public MagicRegistry Registry { get; }

    public StringWriter Output { get; } = new();

    public List<(string Id, object? Value, bool Update)> Displays { get; } = [];

    public CancellationToken CancellationToken => CancellationToken.None;

    public TextWriter Out => Output;

    private ScriptState<object> State => _state ??= CSharpScript.RunAsync<object>("", _options, _globals, typeof(TestGlobals)).Result;

    public IReadOnlyList<SessionVariable> Variables
    {
        get
        {
            var seen = new HashSet<string>();
            return State.Variables.Reverse().Where(v => seen.Add(v.Name)).Reverse().Select(v => new SessionVariable(v.Name, v.Type, v.Value)).ToList();
        }
    }

    public bool TryGetVariable(string name, out object? value)
    {
        var variable = State.Variables.LastOrDefault(v => v.Name == name);
        value = variable?.Value;
        return variable is not null;
    }

    public object? Evaluate(string expression)
    {
        try
        {
            return State.Script.ContinueWith(expression, _options).RunFromAsync(State).Result.ReturnValue;
        }
        catch (CompilationErrorException e)
        {
            throw new SessionCodeException("CompilationError", e.Diagnostics[0].ToString(), [e.Message]);
        }
    }

    public CodeOutcome Run(string code)
    {
        try
        {
            _state = State.ContinueWithAsync(code, _options).Result;
            return new CodeOutcome(_state.ReturnValue is not null, _state.ReturnValue);
        }
        catch (CompilationErrorException e)
        {
            throw new SessionCodeException("CompilationError", e.Diagnostics[0].ToString(), [e.Message]);
        }
    }

    public void SetVariable(string name, object? value)
    {
        _globals.Pending = value;
        var type = value?.GetType() is { IsPublic: true } t && !t.IsGenericType ? "global::" + t.FullName!.Replace('+', '.') : "object";
        _state = State.ContinueWithAsync($"var {name} = ({type})Pending;", _options).Result;
    }

    public IDisplayHandle Display(object? value)
    {
        var handle = new Handle(this, Guid.NewGuid().ToString("N"));
        Displays.Add((handle.Id, value, false));
        return handle;
    }

    public void ClearOutput(bool wait = false) => Displays.Clear();

    /// <summary>Runs a magic line (or a cell magic with its body) through the registry.</summary>
    public object? Magic(string line, string? body = null) => Registry.Run(line, body, this);

    private sealed class Handle(ScriptContext owner, string id) : IDisplayHandle
    {
        public string Id => id;
        public void Update(object? value) => owner.Displays.Add((id, value, true));
    }
}
