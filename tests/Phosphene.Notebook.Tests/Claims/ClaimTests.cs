using System.Text.Json.Nodes;
using Phosphene.Notebook.Claims;
using Phosphene.Notebook.Display;
using Phosphene.Notebook.Magics;

namespace Phosphene.Notebook.Tests.Claims;

// The magic writes to the process-wide ledger.
[CollectionDefinition("claim ledger", DisableParallelization = true)]
public sealed class ClaimLedgerCollection;

[Collection("claim ledger")]
public class ClaimTests
{
    [Theory]
    [InlineData("<= 1e-3", 0.001, true)]
    [InlineData("<= 1e-3", 0.0011, false)]
    [InlineData("< 0.5", 0.5, false)]
    [InlineData("≥ 0.15", 0.15, true)]
    [InlineData("> 0", 0, false)]
    [InlineData("within 0.03 of 0.71", 0.68, true)]
    [InlineData("within 0.03 of 0.71", 0.6799, false)]
    [InlineData("in [0.1, 0.2]", 0.2, true)]
    [InlineData("in [0.1, 0.2]", 0.0999, false)]
    [InlineData(">= -1", double.NaN, false)]
    public void CriteriaTestTheValueAsWritten(string criterion, double value, bool met)
        => Assert.Equal(met, ClaimCriterion.Parse(criterion).IsMetBy(value));

    [Fact]
    public void CriteriaAreNormalisedAndBadOnesNameTheForms()
    {
        Assert.Equal("<= 0.001", ClaimCriterion.Parse(" ≤1e-3 ").Text);
        Assert.Equal("within 0.03 of 0.71", ClaimCriterion.Parse("Within 3e-2 of 0.71").Text);
        var e = Assert.Throws<PhospheneException>(() => ClaimCriterion.Parse("about 0.7"));
        Assert.Equal("claim criterion 'about 0.7' is not understood; write one of '<= 0.001', '> 0', 'within 0.03 of 0.71', 'in [0.1, 0.2]'", e.Message);
        Assert.Equal("claim criterion 'in [2, 1]': the interval's lower bound 2 is above its upper bound 1",
                     Assert.Throws<PhospheneException>(() => ClaimCriterion.Parse("in [2, 1]")).Message);
        Assert.Equal("claim criterion 'within -1 of 0': the tolerance must be at least 0",
                     Assert.Throws<PhospheneException>(() => ClaimCriterion.Parse("within -1 of 0")).Message);
    }

    [Fact]
    public void OutcomesSeparateFailuresFromDeclaredOnesAndFlagStaleDeclarations()
    {
        var ledger = new ClaimLedger();
        Assert.Equal(ClaimStatus.Holds, ledger.Check("a", "kuramoto", 0.7, "within 0.03 of 0.71").Status);
        Assert.Equal(ClaimStatus.Fails, ledger.Check("b", "kuramoto", 0.5, "within 0.03 of 0.71").Status);
        var declared = ledger.Check("c", "komplexnet", 0.40, "> 0.45", notReproducedBecause: "too small a model");
        Assert.Equal(ClaimStatus.NotReproducedHere, declared.Status);
        Assert.Equal("not reproduced here", declared.StatusText);
        var stale = ledger.Check("d", "komplexnet", 0.50, "> 0.45", notReproducedBecause: "too small a model");
        Assert.Equal(ClaimStatus.HoldsThoughDeclaredNot, stale.Status);
        Assert.Equal("holds", stale.StatusText);

        // A re-run cell replaces its claim instead of adding a second row.
        ledger.Check("b", "kuramoto", 0.71, "within 0.03 of 0.71");
        var table = ledger.Table();
        Assert.Equal(["a", "b", "c", "d"], table.Checks.Select(c => c.Statement));
        Assert.Equal("4 claims: 2 hold, 0 fail, 1 not reproduced here, 1 hold though declared not reproduced", table.Summary);
    }

    [Fact]
    public void BadClaimsAreClearErrors()
    {
        var ledger = new ClaimLedger();
        Assert.StartsWith("unknown paper 'kuramotto'; did you mean 'kuramoto'? (papers: integrated-gradients, ",
                          Assert.Throws<PhospheneException>(() => ledger.Check("x", "kuramotto", 1, "> 0")).Message);
        Assert.Equal("a claim needs its statement, e.g. \"Integrated Gradients is complete\"",
                     Assert.Throws<PhospheneException>(() => ledger.Check(" ", "kuramoto", 1, "> 0")).Message);
        Assert.Equal("claim 'x': a claim declared not reproduced needs the reason, in words",
                     Assert.Throws<PhospheneException>(() => ledger.Check("x", "kuramoto", 1, "> 0", notReproducedBecause: "")).Message);
        Assert.Empty(ledger.Checks);
    }

    [Fact]
    public void TheMagicChecksAValueOfTheSessionAndShowsTheRecordRow()
    {
        var context = new ScriptContext();
        context.Run("var gap = 0.0004;");
        var check = Assert.IsType<ClaimCheck>(context.Magic(
            "%claim \"Integrated Gradients is complete\" --paper integrated-gradients --value {gap} --criterion \"<= 1e-3\""));
        Assert.Equal(ClaimStatus.Holds, check.Status);
        Assert.Equal(0.0004, check.Value);

        var bundle = NotebookFormatter.Format(check);
        Assert.Contains("<td>0.0004</td><td>&lt;= 0.001</td>", bundle[MimeTypes.Html]);
        var json = JsonNode.Parse(bundle[MimeTypes.ClaimJson]!)!;
        Assert.Equal("Integrated Gradients is complete", (string?)json["claim"]);
        Assert.Equal("Axiomatic Attribution for Deep Networks", (string?)json["paper"]!["title"]);
        Assert.Equal(0.0004, (double)json["value"]!);
        Assert.Equal("<= 0.001", (string?)json["criterion"]);
        Assert.Equal("holds", (string?)json["status"]);

        context.Magic("%claim \"r follows theory\" --paper kuramoto --value 0.5 --criterion \"within 0.03 of 0.71\" --not-reproduced \"N too small\"");
        var table = Assert.IsType<ClaimTable>(context.Magic("%claim table"));
        // The session ledger is process-wide (the magic fuzz may add claims meanwhile): look for these two.
        var mine = table.Checks.Where(c => c.Statement is "Integrated Gradients is complete" or "r follows theory").ToList();
        Assert.Equal([ClaimStatus.Holds, ClaimStatus.NotReproducedHere], mine.Select(c => c.Status));
        Assert.Contains("N too small", NotebookFormatter.Format(table)[MimeTypes.Html]);
        // Only single checks carry the record's JSON, so the runner counts each claim once.
        Assert.Null(NotebookFormatter.Format(table)[MimeTypes.ClaimJson]);
        ClaimLedger.Session.Clear();
    }

    [Fact]
    public void TheMagicNamesAMissingCriterion()
    {
        var context = new ScriptContext();
        var e = Assert.Throws<MagicException>(() => context.Magic("%claim \"x\" --paper kuramoto --value 1"));
        Assert.Contains("criterion", e.Message);
        Assert.StartsWith("%claim", e.Message);
    }

    [Fact]
    public void TheProvenanceReportNamesVersionsMachineAndInputs()
    {
        var report = ProvenanceReport.Current();
        Assert.StartsWith("1.0.0", report.Toolkit);
        Assert.Equal(TorchSharp.torch.__version__, report.LibTorch);
        Assert.Equal(TorchSharp.torch.get_num_threads(), report.Threads);
        Assert.Equal(Environment.ProcessorCount, report.Cores);
        Assert.Equal(Phosphene.NativeRuntime.OneDnnMaxCpuIsa, report.OneDnnIsa);

        var json = JsonNode.Parse(NotebookFormatter.Format(report)[MimeTypes.ProvenanceJson]!)!;
        Assert.Equal(report.Toolkit, (string?)json["toolkit"]);
        Assert.Equal(report.Inputs.Count, json["inputs"]!.AsArray().Count);
        Assert.Contains("<b>Provenance</b>", NotebookFormatter.Format(report)[MimeTypes.Html]);
    }
}
