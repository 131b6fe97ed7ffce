using System.Reflection;
using Microsoft.CodeAnalysis.Scripting;

namespace Phosphene.Kernel.Execution;

/// <summary>
/// Makes a submission compile on the calling thread: Roslyn scripting compiles every submission with
/// <c>concurrentBuild: true</c>, and <see cref="ScriptOptions"/> has no switch for it.
/// </summary>
/// <remarks>
/// For a notebook cell (a handful of methods) the parallel compile only adds hand-offs to thread-pool workers and
/// spin-waits for them (measurements: <c>docs/history/kernel-speed.md</c>). The script's compilation is created, then
/// replaced by the same compilation with concurrent build off, before anything is bound or emitted. If a future Roslyn
/// renames the private field this relies on, cells simply compile as before.
/// </remarks>
internal static class SerialCompilation
{
    private static readonly FieldInfo? LazyCompilation =
        typeof(Script).GetField("_lazyCompilation", BindingFlags.NonPublic | BindingFlags.Instance) is { } field
        && field.FieldType == typeof(Microsoft.CodeAnalysis.Compilation) ? field : null;

    /// <summary>Returns <paramref name="script"/>, set to compile without concurrency.</summary>
    public static Script<T> Serial<T>(this Script<T> script)
    {
        if (LazyCompilation is null)
            return script;
        var compilation = script.GetCompilation();
        if (compilation.Options.ConcurrentBuild)
            LazyCompilation.SetValue(script, compilation.WithOptions(compilation.Options.WithConcurrentBuild(false)));
        return script;
    }
}
