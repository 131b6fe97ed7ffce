using Phosphene.Models;
using Phosphene.Notebook.Display;

namespace Phosphene.Notebook.Tests.Display;

public class ProgressDisplayTests
{
    [Fact]
    public void StepsUpdateTheSameDisplayInPlaceUntilComplete()
    {
        var context = new ScriptContext();
        using (var progress = ProgressDisplay.Show(context, "attribution", total: 4))
        {
            progress.Interval = TimeSpan.Zero;
            for (var i = 0; i < 4; i++)
                progress.Advance();
            progress.Complete();
        }
        var (id, first, update) = context.Displays[0];
        Assert.False(update);
        Assert.All(context.Displays.Skip(1), d => Assert.True(d.Update && d.Id == id));
        Assert.Equal([1L, 2, 3, 4, 4], context.Displays.Skip(1).Select(d => ((ProgressSnapshot)d.Value!).Done));
        var last = (ProgressSnapshot)context.Displays[^1].Value!;
        Assert.True(last.Finished);
        Assert.Equal(1.0, last.Fraction);
        Assert.Equal(TimeSpan.Zero, last.Remaining);
        Assert.Matches(@"^attribution 100% \|█{30}\| 4/4 \[\d\d:\d\d, .+ (it/s|s/it)\]$", last.ToString());
        Assert.Contains("width:100%", last.ToHtml());
        Assert.Equal(0, ((ProgressSnapshot)first!).Done);
    }

    [Fact]
    public void UpdatesAreThrottledButTheFinalStateAlwaysShows()
    {
        var context = new ScriptContext();
        var progress = ProgressDisplay.Show(context, "batches", total: 1000);
        progress.Interval = TimeSpan.FromHours(1);
        for (var i = 0; i < 1000; i++)
            progress.Advance();
        // The first report after showing is sent (none was sent before), then nothing until the last step.
        Assert.Equal([1L, 1000], context.Displays.Skip(1).Select(d => ((ProgressSnapshot)d.Value!).Done));
    }

    [Fact]
    public void TrainingProgressAndAdaptedTypesReport()
    {
        var context = new ScriptContext();
        var progress = ProgressDisplay.Show(context, "training");
        progress.Interval = TimeSpan.Zero;
        progress.Report(new TrainingProgress(2, 3, 5, 10, 0.5, 0.75, 100, TimeSpan.FromSeconds(1)));
        var snapshot = (ProgressSnapshot)context.Displays[^1].Value!;
        Assert.Equal((15L, 30L), (snapshot.Done, snapshot.Total));
        Assert.Equal(0.5, snapshot.Fraction);
        Assert.Equal("epoch 2/3, loss 0.5000, accuracy 75.0%", snapshot.Message);

        progress.Adapt<(int Step, int Of)>(p => (p.Step, p.Of, $"step {p.Step}")).Report((3, 4));
        snapshot = (ProgressSnapshot)context.Displays[^1].Value!;
        Assert.Equal((3L, 4L, 0.75, "step 3"), (snapshot.Done, snapshot.Total, snapshot.Fraction, snapshot.Message));
    }
}
