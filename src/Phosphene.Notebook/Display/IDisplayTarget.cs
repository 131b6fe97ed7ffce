namespace Phosphene.Notebook.Display;

/// <summary>Where values are shown: a notebook cell's output area (Jupyter <c>display_data</c>).</summary>
public interface IDisplayTarget
{
    /// <summary>Shows <paramref name="value"/> (formatted as a MIME bundle) and returns a handle that can replace it.</summary>
    IDisplayHandle Display(object? value);

    /// <summary>Clears the cell's output, at once or (with <paramref name="wait"/>) when the next output arrives.</summary>
    void ClearOutput(bool wait = false);
}

/// <summary>A shown output that can be replaced in place (Jupyter <c>update_display_data</c>).</summary>
public interface IDisplayHandle
{
    /// <summary>The display id shared by the output and its updates.</summary>
    string Id { get; }

    /// <summary>Replaces the output with <paramref name="value"/>, wherever it is shown.</summary>
    void Update(object? value);
}
