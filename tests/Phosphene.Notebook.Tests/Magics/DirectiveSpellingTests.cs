using Phosphene.Notebook.Magics;

namespace Phosphene.Notebook.Tests.Magics;

/// <summary>.NET Interactive's <c>#!name</c> spelling of magics, read as ours so one notebook runs on both hosts.</summary>
public class DirectiveSpellingTests
{
    private static string Rewrite(string code) => DirectiveSpelling.Rewrite(code, MagicRegistry.Default);

    [Fact]
    public void DirectiveLinesBecomeMagicLinesWithTheirArguments()
    {
        Assert.Equal("var x = 1;\n%attribute --methods saliency,ig --as maps\nx", Rewrite("var x = 1;\n#!attribute --methods saliency,ig --as maps\nx"));
        Assert.Equal("  %who", Rewrite("  #!who"));
    }

    [Fact]
    public void ABareDirectiveOpeningTheCellAppliesToTheCellWhenTheMagicHasACellForm()
    {
        // .NET Interactive's #!time times the rest of the submission: our %%time.
        Assert.Equal("\n%%time\nThread.Sleep(1);", Rewrite("\n#!time\nThread.Sleep(1);"));
        // %lsmagic has no cell form; %time later in the cell is a line magic.
        Assert.Equal("%lsmagic", Rewrite("#!lsmagic"));
        Assert.Equal("var a = 1;\n%time a + 1", Rewrite("var a = 1;\n#!time a + 1"));
    }

    [Fact]
    public void CSharpKernelSelectorsAreDroppedAndLineNumbersKept()
    {
        var rewritten = Rewrite("#!csharp\n#!time\nvar b = 2;");
        Assert.Equal("\n%%time\nvar b = 2;", rewritten);
        Assert.Equal("\n1 + 1", Rewrite("#!c#\n1 + 1"));
        var segments = MagicCell.Split(Rewrite("#!csharp\nvar c = 3;\n#!who"));
        Assert.Equal([CellSegmentKind.Code, CellSegmentKind.LineMagic], segments.Select(s => s.Kind));
        Assert.Equal(2, segments[1].FirstLine);
    }

    [Fact]
    public void AnUnknownDirectiveIsReportedAsAnUnknownMagicWithASuggestion()
    {
        Assert.Equal("%atribute --help", Rewrite("#!atribute --help"));
        var error = Assert.Throws<MagicException>(() => MagicRegistry.Default.Usage("atribute"));
        Assert.Contains("did you mean 'attribute'?", error.Message);
    }

    [Fact]
    public void ACellOpeningWithAnotherLanguagesSelectorIsNamedByThatLanguage()
    {
        Assert.Equal("F#", DirectiveSpelling.OtherLanguage("\n#!fsharp\n#!share --from csharp cnn\ncnn", MagicRegistry.Default));
        Assert.Equal("JavaScript", DirectiveSpelling.OtherLanguage("#!js\nconsole.log(1)", MagicRegistry.Default));
        // Only the first line selects the cell's language; C# and magics are ours.
        Assert.Null(DirectiveSpelling.OtherLanguage("var a = 1;\n#!fsharp", MagicRegistry.Default));
        Assert.Null(DirectiveSpelling.OtherLanguage("#!csharp\n1", MagicRegistry.Default));
        Assert.Null(DirectiveSpelling.OtherLanguage("#!time\n1", MagicRegistry.Default));
        // HTML is a language of .NET Interactive and a cell magic of ours (%%html): ours runs it.
        Assert.Null(DirectiveSpelling.OtherLanguage("#!html\n<b>bold</b>", MagicRegistry.Default));
    }

    [Fact]
    public void CodeWithoutDirectivesIsUnchanged()
    {
        const string code = "var s = \"#!not a directive\";\n// #!who in a comment stays\ns";
        Assert.Equal(code, Rewrite(code));
        Assert.Equal("#!", Rewrite("#!"));
    }
}
