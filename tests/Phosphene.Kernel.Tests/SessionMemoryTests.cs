using Phosphene.Kernel.Execution;
using Xunit.Abstractions;

namespace Phosphene.Kernel.Tests;

/// <summary>
/// What a long session keeps per cell: the managed heap after full collections, before and after a few hundred small
/// cells (issue 14's recipe: an array of 1000 ints kept in a new variable, then a print). Each cell keeps its compiled
/// submission for the session's life (later cells see its variables), so some growth is inherent; these bounds catch
/// the regressions measured before the fix (about 200 KB per cell in the session, as much again in the completion
/// workspace), not the last kilobyte. The speed and RSS figures beside ipykernel are in benchmarks/kernel_memory.py.
/// </summary>
public class SessionMemoryTests(ITestOutputHelper output)
{
    private sealed class NoDisplay : ICellHost
    {
        public void Display(object? value, string? displayId, bool update) { }

        public void ClearOutput(bool wait) { }
    }

    private static string Cell(int i) => i % 2 == 0 ? $"var a{i} = new int[1000]; a{i}.Length" : $"Console.Write(\"\");";

    private static long ManagedHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    [Fact]
    public async Task CellsAndCompletionKeepLessThanABoundedAmountPerCell()
    {
        const int cellCount = 200;
        var session = new ScriptSession(new NoDisplay());
        var intelligence = new CodeIntelligence(session);
        Assert.True(session.Run("1", 1, default).Succeeded);
        // The start-up warm-up chain is garbage once done: measured while it runs, its collection would hide growth.
        await session.WarmedUp.WaitAsync(TimeSpan.FromMinutes(5));
        for (int i = 0; i < 40; i++)
            Assert.True(session.Run(Cell(i), i + 2, default).Succeeded);
        Assert.Contains("a38", intelligence.Complete("a3", 2).Matches);

        var start = ManagedHeap();
        for (int i = 40; i < 40 + cellCount; i++)
            Assert.True(session.Run(Cell(i), i + 2, default).Succeeded);
        var cells = (ManagedHeap() - start) / (double)cellCount;
        // The completion workspace mirrors every cell as a submission project, built when a completion needs it.
        Assert.Contains($"a{38 + cellCount}", intelligence.Complete("a2", 2).Matches);
        var withWorkspace = (ManagedHeap() - start) / (double)cellCount;
        output.WriteLine($"kept per cell: {cells / 1024:F1} KB by the session, {withWorkspace / 1024:F1} KB with the completion workspace");

        Assert.True(cells < 120 * 1024, $"each cell keeps {cells / 1024:F0} KB of managed heap (bound 120 KB)");
        Assert.True(withWorkspace < 250 * 1024, $"each cell keeps {withWorkspace / 1024:F0} KB with the completion workspace (bound 250 KB)");
    }
}
