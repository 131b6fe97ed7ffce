using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;

namespace Phosphene.Kernel.Execution;

/// <summary>
/// A C# session in which cells run one after another with Roslyn scripting: each cell sees the variables,
/// types and usings of the cells before it, and a failing cell leaves that state usable.
/// </summary>
public sealed class ScriptSession
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);

    private readonly ScriptOptions _options;
    private readonly CellGlobals _globals;
    private readonly Task<ScriptState<object>> _initial;
    private ScriptState<object>? _state;
    private readonly object _stateLock = new();

    /// <summary>Creates a session whose cells talk to <paramref name="host"/>; compilation warms up in the background.</summary>
    public ScriptSession(ICellHost host)
    {
        _globals = new CellGlobals(host);
        _options = DefaultOptions();
        _initial = Task.Run(() => CSharpScript.RunAsync<object>("", _options, _globals));
    }

    /// <summary>The namespaces (and, for <c>TorchSharp.torch</c>, the static class) every cell imports.</summary>
    public IReadOnlyList<string> Imports => _options.Imports;

    /// <summary>The state after the last completed cell (waits for the start-up compilation).</summary>
    internal ScriptState<object> State
    {
        get
        {
            lock (_stateLock)
                return _state ??= _initial.GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Compiles and runs <paramref name="code"/> as cell <paramref name="executionCount"/> on the calling thread.
    /// <paramref name="isCurrent"/> is asked before the new state is kept: a cell abandoned after an interrupt
    /// must not overwrite the state of the cells that ran after it.
    /// </summary>
    public CellResult Run(string code, int executionCount, CancellationToken cancellationToken, Func<bool>? isCurrent = null)
    {
        var previous = State;
        var options = _options.WithFilePath(ErrorReport.CellFileName(executionCount));
        var script = previous.Script.ContinueWith(LoopInterruptRewriter.Rewrite(code, ParseOptions), options);
        var diagnostics = script.Compile(cancellationToken);
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            // Report against the user's own text: compile it unchanged (columns would shift in the rewritten one).
            var original = previous.Script.ContinueWith(code, options).Compile(cancellationToken);
            return new CellResult(ErrorReport.FromDiagnostics(original.Any(d => d.Severity == DiagnosticSeverity.Error) ? original : diagnostics, executionCount), false, null);
        }

        var state = script.RunFromAsync(previous, _ => true, cancellationToken).GetAwaiter().GetResult();
        lock (_stateLock)
        {
            if (isCurrent?.Invoke() ?? true)
                _state = state;
        }
        if (state.Exception is not null)
            return new CellResult(ErrorReport.FromException(state.Exception), false, null);
        return EndsInValue(script) ? new CellResult(null, true, state.ReturnValue) : new CellResult(null, false, null);
    }

    /// <summary>
    /// Evaluates <paramref name="expression"/> against the current state without keeping anything it declares
    /// (Jupyter's <c>user_expressions</c>).
    /// </summary>
    public CellResult Evaluate(string expression, int executionCount)
    {
        var previous = State;
        var script = previous.Script.ContinueWith(expression, _options.WithFilePath(ErrorReport.CellFileName(executionCount)));
        var diagnostics = script.Compile();
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            return new CellResult(ErrorReport.FromDiagnostics(diagnostics, executionCount), false, null);
        var state = script.RunFromAsync(previous, _ => true).GetAwaiter().GetResult();
        return state.Exception is not null
            ? new CellResult(ErrorReport.FromException(state.Exception), false, null)
            : new CellResult(null, true, state.ReturnValue);
    }

    /// <summary>The names and values of the variables the cells have declared, latest first for shadowed names.</summary>
    public IReadOnlyList<ScriptVariable> Variables
    {
        get
        {
            var seen = new HashSet<string>();
            return State.Variables.Reverse().Where(v => seen.Add(v.Name)).Reverse().ToList();
        }
    }

    /// <summary>The compilation <paramref name="code"/> would have as the next cell (for completion and inspection).</summary>
    internal Compilation CompileNext(string code)
        => State.Script.ContinueWith(code, _options).GetCompilation();

    // A cell's value is its last statement when that is an expression without a semicolon whose type is not void;
    // a null value still counts, so `string s = null; s` shows "null".
    private static bool EndsInValue(Script script)
    {
        var compilation = script.GetCompilation();
        var tree = compilation.SyntaxTrees.Last();
        var root = (CompilationUnitSyntax)tree.GetRoot();
        if (root.Members.LastOrDefault() is not GlobalStatementSyntax { Statement: ExpressionStatementSyntax statement }
            || !statement.SemicolonToken.IsMissing)
            return false;
        var type = compilation.GetSemanticModel(tree).GetTypeInfo(statement.Expression).Type;
        return type is not null && type.SpecialType != SpecialType.System_Void;
    }

    private static ScriptOptions DefaultOptions()
    {
        var anchors = new[]
        {
            typeof(object), typeof(Enumerable), typeof(List<>), typeof(Console), typeof(System.Text.RegularExpressions.Regex),
            typeof(System.Net.Http.HttpClient), typeof(System.Collections.Concurrent.ConcurrentDictionary<,>),
            typeof(System.Diagnostics.Stopwatch), typeof(System.Text.Json.JsonSerializer), typeof(TorchSharp.torch),
            typeof(CellGlobals),
            // The notebook layer, its charts and tables (Plotly.NET is F#: its types need FSharp.Core and DynamicObj).
            typeof(Phosphene.Notebook.Magics.Magic), typeof(Plotly.NET.GenericChart), typeof(Plotly.NET.CSharp.Chart),
            typeof(Microsoft.FSharp.Core.FSharpOption<>), typeof(DynamicObj.DynamicObj), typeof(Microsoft.Data.Analysis.DataFrame),
        };
        var assemblies = anchors.Select(t => t.Assembly).ToList();
        var core = TryLoad("Phosphene");
        if (core is not null)
            assemblies.Add(core);
        var imports = new List<string>
        {
            "System", "System.IO", "System.Linq", "System.Collections.Generic", "System.Text", "System.Threading",
            "System.Threading.Tasks", "System.Diagnostics", "TorchSharp", "TorchSharp.torch",
            "Phosphene.Notebook.Display", "Phosphene.Notebook.Magics", "Plotly.NET.CSharp", "Microsoft.Data.Analysis",
        };
        if (core is not null)
            imports.AddRange(core.GetExportedTypes().Select(t => t.Namespace).OfType<string>().Distinct().Order());
        return ScriptOptions.Default
            .WithReferences(assemblies.Distinct())
            .WithImports(imports)
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(System.Text.Encoding.UTF8)
            .WithAllowUnsafe(false);
    }

    private static Assembly? TryLoad(string name)
    {
        try
        {
            return Assembly.Load(name);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
