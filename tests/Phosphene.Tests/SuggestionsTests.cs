namespace Phosphene.Tests;

public class SuggestionsTests
{
    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("sobol", "sobol", 0)]
    [InlineData("sobl", "sobol", 1)]
    public void LevenshteinDistance(string a, string b, int expected) => Assert.Equal(expected, Suggestions.Distance(a, b));

    [Fact]
    public void SuggestsOnlyPlausibleTypos()
    {
        string[] methods = ["saliency", "sobol", "rise", "occlusion"];
        Assert.Equal("; did you mean 'sobol'?", Suggestions.DidYouMean("sobl", methods));
        Assert.Equal("sobol", Suggestions.Closest("SOBOL", methods));
        Assert.Equal("", Suggestions.DidYouMean("integrated", methods));
    }
}
