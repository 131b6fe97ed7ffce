using System.Text.Json.Nodes;
using Phosphene.Kernel.Execution;
using Phosphene.Kernel.Protocol;
using Phosphene.Notebook.Display;
using Phosphene.Notebook.Magics;

namespace Phosphene.Kernel;

/// <summary>
/// Serves <c>execute_request</c>: counts and records the cell, runs it (C# and magic lines, on the
/// <see cref="CellRunner"/>'s worker thread, interruptible), publishes <c>execute_input</c>, the result or the error,
/// and builds the reply with its <c>user_expressions</c>.
/// </summary>
internal sealed class KernelExecution(KernelOutput output, ScriptSession script, KernelIntrospection introspection,
                                      ExecutionHistory history, MagicRegistry magics)
{
    private readonly CellRunner _runner = new(TimeSpan.FromSeconds(2));
    // plotly.js goes into a page once (PlotlyJs): each client session is a page (a reloaded page, another tab or
    // another client connects with a new session id), so the first chart shown to a new one carries plotly.js again.
    private readonly HashSet<string> _clientsWithPlotlyJs = [];

    /// <summary>The execution count of the last cell stored in history.</summary>
    public int ExecutionCount { get; private set; }

    /// <summary>Interrupts the running cell, if any.</summary>
    public void Interrupt() => _runner.Interrupt();

    /// <summary>
    /// Runs the cell of <paramref name="request"/> and returns the <c>execute_reply</c> content; outputs go out on iopub
    /// meanwhile. <paramref name="abortQueued"/> is set when the cell failed with <c>stop_on_error</c>.
    /// </summary>
    public JsonObject Execute(JupyterMessage request, out bool abortQueued)
    {
        var content = request.Content;
        var code = (string?)content["code"] ?? "";
        var silent = (bool?)content["silent"] ?? false;
        var storeHistory = !silent && ((bool?)content["store_history"] ?? true);
        if (storeHistory)
            ExecutionCount++;
        var count = ExecutionCount;
        if (!silent)
            output.Publish("execute_input", new JsonObject { ["code"] = code, ["execution_count"] = count }, request);
        if (storeHistory)
            history.Add(count, code);

        var client = (string?)request.Header["session"] ?? "";
        if (!_clientsWithPlotlyJs.Contains(client))
            PlotlyJs.Reset();
        output.Begin(request, (bool?)content["allow_stdin"] ?? false);
        var payload = new JsonArray();
        abortQueued = false;
        CellResult result;
        try
        {
            // `%name?`, `%name --help` and `expr?` alone show their text in the pager, as in IPython.
            if (introspection.PagerText(code) is { } page)
            {
                payload.Add(new JsonObject { ["source"] = "page", ["data"] = new JsonObject { ["text/plain"] = page }, ["start"] = 0 });
                result = new CellResult(null, false, null);
            }
            else
            {
                result = _runner.Run((token, isCurrent) => RunCell(code, count, token, isCurrent));
            }
            Console.Out.Flush();
            Console.Error.Flush();
        }
        finally
        {
            output.End();
        }

        JsonObject reply;
        if (result.Error is { } error)
        {
            output.Publish("error", MimeContent.Error(error), request);
            reply = MimeContent.Error(error);
            reply["status"] = "error";
            abortQueued = (bool?)content["stop_on_error"] ?? true;
        }
        else
        {
            if (result.HasValue && !silent)
            {
                var bundle = MimeContent.Format(result.Value);
                output.Publish("execute_result", new JsonObject
                {
                    ["execution_count"] = count,
                    ["data"] = MimeContent.Data(bundle),
                    ["metadata"] = MimeContent.Metadata(bundle),
                }, request);
                if (storeHistory)
                    history.SetOutput(count, bundle.PlainText);
            }
            reply = new JsonObject
            {
                ["status"] = "ok",
                ["payload"] = payload,
                ["user_expressions"] = UserExpressions(content["user_expressions"] as JsonObject, count),
            };
        }
        reply["execution_count"] = count;
        if (PlotlyJs.Injected)
            _clientsWithPlotlyJs.Add(client);
        return reply;
    }

    // A cell is C# with, possibly, magic lines (or a %% cell magic): the pieces run in order on the cell's thread.
    // The last piece's value is the cell's result; earlier magics' results are displayed as they come.
    private CellResult RunCell(string code, int count, CancellationToken token, Func<bool> isCurrent)
    {
        try
        {
            return MixedCellRunner.Run(code, magics, new KernelCellPieces(script, output, count, token, isCurrent), $"cell [{count}]");
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Interrupted while compiling (Roslyn observes the token) or inside a magic: the user's interrupt, whatever threw.
            return new CellResult(ErrorReport.FromException(new CellInterruptedException()), false, null);
        }
    }

    private JsonObject UserExpressions(JsonObject? expressions, int count)
    {
        var results = new JsonObject();
        if (expressions is null)
            return results;
        foreach (var (name, node) in expressions)
        {
            var outcome = script.Evaluate((string?)node ?? "", count);
            if (outcome.Error is { } error)
            {
                var entry = MimeContent.Error(error);
                entry["status"] = "error";
                results[name] = entry;
            }
            else
            {
                results[name] = MimeContent.Expression(MimeContent.Format(outcome.Value));
            }
        }
        return results;
    }

}
