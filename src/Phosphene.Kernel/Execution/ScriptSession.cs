using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;
using Phosphene.Kernel.Execution.Packages;

namespace Phosphene.Kernel.Execution;

/// <summary>
/// A C# session in which cells run one after another with Roslyn scripting: each cell sees the variables,
/// types and usings of the cells before it, and a failing cell leaves that state usable.
/// </summary>
public sealed class ScriptSession
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);

    private readonly ScriptOptions _options;
    // What every cell after the first compiles with. A submission sees the references and imports of the submissions
    // before it, so only the first needs them (as Roslyn's own ContinueWith does). Given them again, every cell's
    // compilation bound its own copy of the references and imports: about 100 KB kept per cell for the session's life.
    private readonly ScriptOptions _continuation;
    private readonly CellGlobals _globals;
    private readonly Task<ScriptState<object>> _initial;
    private ScriptState<object>? _state;
    private readonly object _stateLock = new();
    private readonly LoadedPackages _packages = new(new PackageRestore());

    /// <summary>Creates a session whose cells talk to <paramref name="host"/>; compilation warms up in the background.</summary>
    public ScriptSession(ICellHost host)
    {
        _globals = new CellGlobals(host);
        _options = DefaultOptions()
            .WithMetadataResolver(new KernelMetadataResolver(_packages))
            .WithSourceResolver(KernelSourceResolver.Instance);
        _continuation = _options.WithReferences(Array.Empty<MetadataReference>()).WithImports(Array.Empty<string>());
        _initial = Task.Run(() => CSharpScript.Create<object>("", _options, typeof(CellGlobals)).Serial().RunAsync(_globals));
        WarmedUp = _initial.ContinueWith(t => WarmUpCompiler(t.Result), CancellationToken.None,
                                         TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    /// <summary>Completes when the start-up warm-up chain has run (and its submissions can be collected).</summary>
    internal Task WarmedUp { get; }

    /// <summary>Throwaway submissions compiled and run at start-up (see <see cref="WarmUpCompiler"/>).</summary>
    internal const int WarmUpSubmissions = 200;

    // Roslyn's assemblies run precompiled (ReadyToRun) code until tiered compilation re-JITs a method optimised, after
    // 30 calls; a small cell pays that re-JIT for its first few hundred submissions. A chain of throwaway submissions,
    // apart from the user's (it starts from the empty initial state and nothing of it is kept), moves that cost to the
    // background at start-up. The resolvers are thread-safe, so a cell may compile meanwhile.
    private void WarmUpCompiler(ScriptState<object> initial)
    {
        try
        {
            var state = initial;
            for (int i = 0; i < WarmUpSubmissions; i++)
            {
                var code = $"var warm{i} = new[] {{ {i}, {i + 1} }}.Select(x => x * 2).Sum(); warm{i} + {i}";
                state = state.Script.ContinueWith(code, _continuation).Serial().RunFromAsync(state).GetAwaiter().GetResult();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Warming is an optimisation only: any failure here shows again, with its message, in a real cell.
        }
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
        try
        {
            return Compile(code, executionCount, cancellationToken, isCurrent);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Interrupted while restoring or compiling, before any user code ran.
            return new CellResult(ErrorReport.FromException(new CellInterruptedException()), false, null);
        }
    }

    private CellResult Compile(string code, int executionCount, CancellationToken cancellationToken, Func<bool>? isCurrent)
    {
        if (InstallPackages(code, cancellationToken) is { } packageError)
            return new CellResult(packageError, false, null);
        var previous = State;
        var options = _continuation.WithFilePath(ErrorReport.CellFileName(executionCount));
        var script = previous.Script.ContinueWith(LoopInterruptRewriter.Rewrite(code, ParseOptions), options).Serial();
        var diagnostics = script.Compile(cancellationToken);
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            // Report against the user's own text: compile it unchanged (columns would shift in the rewritten one).
            var original = previous.Script.ContinueWith(code, options).Compile(cancellationToken);
            return new CellResult(ErrorReport.FromDiagnostics(original.Any(d => d.Severity == DiagnosticSeverity.Error) ? original : diagnostics, executionCount), false, null);
        }

        var state = script.RunFromAsync(previous, _ => true, cancellationToken).GetAwaiter().GetResult();
        bool kept;
        lock (_stateLock)
        {
            kept = isCurrent?.Invoke() ?? true;
            if (kept)
                _state = state;
        }
        if (kept)
            CellCompiled?.Invoke(code);
        if (state.Exception is not null)
            return new CellResult(ErrorReport.FromException(state.Exception), false, null);
        return EndsInValue(script) ? new CellResult(null, true, state.ReturnValue) : new CellResult(null, false, null);
    }

    /// <summary>The packages loaded with <c>#r "nuget: …"</c>.</summary>
    public IReadOnlyCollection<RestoredPackage> Packages => _packages.Packages;

    /// <summary>The options every cell compiles with (references, imports, the #r and #load resolvers).</summary>
    internal ScriptOptions Options => _options;

    // Restores the cell's `#r "nuget: …"` packages before it compiles, so its directives resolve; progress and the
    // restore's messages go to the cell's output. Null when there was nothing to do or all went well.
    private CellError? InstallPackages(string code, CancellationToken cancellationToken)
    {
        try
        {
            var requests = PackageRequest.InCell(code);
            if (requests.Count > 0)
                _packages.Install(requests, Console.Out, cancellationToken);
            return null;
        }
        catch (FormatException e)
        {
            return new CellError("PackageReferenceError", e.Message, [e.Message]);
        }
        catch (PackageRestoreException e)
        {
            return new CellError("PackageRestoreError", e.Errors.Count > 0 ? e.Errors[0] : e.Message, e.Message.Split('\n'));
        }
        catch (PackageConflictException e)
        {
            return new CellError("PackageConflictError", e.Message, [e.Message]);
        }
    }

    /// <summary>
    /// Evaluates <paramref name="expression"/> against the current state without keeping anything it declares
    /// (Jupyter's <c>user_expressions</c>).
    /// </summary>
    public CellResult Evaluate(string expression, int executionCount)
    {
        var previous = State;
        var script = previous.Script.ContinueWith(expression, _continuation.WithFilePath(ErrorReport.CellFileName(executionCount))).Serial();
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

    /// <summary>
    /// Raised on the cell's thread with the code of each cell whose state the session kept (it compiled and ran, even
    /// if it then threw), in order: what a mirror of the session, such as the completion workspace, must add.
    /// </summary>
    internal event Action<string>? CellCompiled;

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
        var assemblies = anchors.Select(t => t.Assembly).Append(typeof(PhospheneCache).Assembly).Distinct();
        return ScriptOptions.Default
            .WithReferences(assemblies)
            .WithImports(Phosphene.Notebook.NotebookNamespaces.Imported)
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(System.Text.Encoding.UTF8)
            .WithAllowUnsafe(false);
    }
}
