using System.Reflection;
using System.Runtime.Loader;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Phosphene.Native;
using Phosphene.Notebook;
using Phosphene.Notebook.Magics;

namespace Phosphene.Interactive;

/// <summary>
/// Loads Phosphene into .NET Interactive (run by the package's <c>interactive-extensions/dotnet/extension.dib</c> after
/// <c>#r "nuget: Phosphene.Interactive"</c>): TorchSharp's native library made loadable, the formatters preferred for
/// the toolkit's types, the namespaces imported into the C# kernel as in the Phosphene kernel, each magic registered as
/// a <c>#!</c> directive (unless .NET Interactive has one of that name, e.g. <c>#!time</c>, <c>#!who</c>), and cells
/// with <c>%magic</c> lines run as in the Phosphene kernel.
/// </summary>
public static class PhospheneExtension
{
    private static int _loaded;
    private static CSharpKernel? _csharp;

    // The cell globals of the Phosphene kernel that .NET Interactive lacks (it has its own `display`), declared in the
    // C# kernel's script so notebooks call them alike on both hosts.
    private const string CellGlobals = """
        Phosphene.Notebook.Display.ProgressDisplay progress(string label, long total = 0) => Phosphene.Interactive.PhospheneExtension.Progress(label, total);
        void clear_output(bool wait = false) { }
        """;

    // Runs before the next cell, once the package's other extensions have loaded: Microsoft.Data.Analysis's replaces
    // the DataFrame view with its own, and the notebook should look the same on both hosts.
    private const string AfterExtensions = "Phosphene.Notebook.Display.NotebookFormatter.RegisterAgain();";

    /// <summary>
    /// A progress bar for the running cell, updated in place (the Phosphene kernel's <c>progress(label, total)</c>);
    /// cells call it as <c>progress(…)</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No cell is running, or Phosphene is not loaded.</exception>
    public static Notebook.Display.ProgressDisplay Progress(string label, long total = 0)
    {
        var context = KernelInvocationContext.Current ?? throw new InvalidOperationException("progress(…) shows in a running cell: call it from one.");
        var csharp = _csharp ?? throw new InvalidOperationException("Phosphene is not loaded: run #r \"nuget: Phosphene.Interactive\" first.");
        return Notebook.Display.ProgressDisplay.Show(new InteractiveMagicContext(csharp, context, context.Command), label, total);
    }

    /// <summary>Loads the toolkit into <paramref name="root"/>'s C# kernel; a second call does nothing.</summary>
    /// <exception cref="InvalidOperationException">The kernel has no C# kernel.</exception>
    public static Task LoadAsync(Kernel root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var csharp = (root as CSharpKernel ?? root.FindKernels(k => k is CSharpKernel).FirstOrDefault() as CSharpKernel)
            ?? throw new InvalidOperationException("Phosphene runs in a C# kernel: this .NET Interactive session has none.");
        if (Interlocked.Exchange(ref _loaded, 1) == 1)
            return Task.CompletedTask;
        _csharp = csharp;
        var context = KernelInvocationContext.Current;

        string native;
        try
        {
            native = TorchSharpNativeLibrary.EnsureLoadable();
        }
        catch (PhospheneException e)
        {
            native = e.Message;
            context?.DisplayAs(e.Message, "text/plain");
        }
        NativeRuntime.Configure();
        AssemblyLoadContext.Default.Resolving += UseHostFSharpCore;
        InteractiveDisplay.PreferPhospheneMimeTypes();

        var registry = MagicRegistry.Default;
        var taken = new HashSet<string>(root.FindKernels(_ => true).Append(root)
            .SelectMany(k => k.KernelInfo.SupportedDirectives).Select(d => d.Name), StringComparer.Ordinal);
        var directives = new List<string>();
        foreach (var magic in registry.Magics.Where(m => m.Modes.HasFlag(MagicModes.Line) && !taken.Contains("#!" + m.Name)))
        {
            csharp.AddDirective(MagicDirectives.For(magic), (command, invocation) => RunDirective(csharp, registry, command, invocation));
            directives.Add("#!" + magic.Name);
        }
        csharp.AddMiddleware(async (command, invocation, next) =>
        {
            if (command is SubmitCode submit && MagicCell.HasMagic(submit.Code))
                await RunMixedCell(csharp, registry, submit, invocation);
            else
                await next(command, invocation);
        });
        // Deferred: it runs before the next submission. Submitted now, from inside the extension script's own
        // submission, its script state would be replaced by that submission's when it completes.
        csharp.DeferCommand(new SubmitCode(NotebookNamespaces.UsingDirectives + "\n" + CellGlobals + "\n" + AfterExtensions, csharp.Name));

        var version = typeof(PhospheneExtension).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        context?.DisplayAs(
            $"Phosphene {version.Split('+')[0]} loaded: {directives.Count} directives ({string.Join(", ", directives)}); " +
            $"every magic also as a %line; namespaces imported; TorchSharp: {native}.", "text/markdown");
        return Task.CompletedTask;
    }

    // Plotly.NET 6 is built against FSharp.Core 10.1, and dotnet-interactive 1.0.712001 runs on its own FSharp.Core
    // 10.0, which a process cannot hold beside another version: the charts' FSharp.Core requests get the host's copy.
    private static Assembly? UseHostFSharpCore(AssemblyLoadContext context, AssemblyName name)
        => name.Name == "FSharp.Core" ? context.Assemblies.FirstOrDefault(a => a.GetName().Name == "FSharp.Core") : null;

    private static Task RunDirective(CSharpKernel csharp, MagicRegistry registry, KernelCommand command, KernelInvocationContext invocation)
        => RunCell(csharp, registry, MagicDirectives.MagicLine(command), invocation);

    private static Task RunMixedCell(CSharpKernel csharp, MagicRegistry registry, SubmitCode cell, KernelInvocationContext invocation)
        => RunCell(csharp, registry, cell.Code, invocation);

    private static async Task RunCell(CSharpKernel csharp, MagicRegistry registry, string code, KernelInvocationContext invocation)
    {
        // Outputs belong to the cell's own command (a directive's command is hidden from the front end).
        var pieces = new InteractiveCellPieces(csharp, invocation, invocation.Command);
        // A worker thread keeps the kernel's scheduler free for the child submissions the pieces send; the invocation
        // context flows with the execution context, so those submissions and displays belong to this cell.
        var outcome = await Task.Run(() => MixedCellRunner.Run(code, registry, pieces, "this cell"), invocation.CancellationToken);
        pieces.Complete(outcome);
    }
}
