namespace Phosphene.Kernel.Execution;

/// <summary>What a cell can ask of the front end it runs under (implemented by the kernel).</summary>
public interface ICellHost
{
    /// <summary>Shows <paramref name="value"/> as a display output; with <paramref name="update"/>, replaces the output tagged <paramref name="displayId"/>.</summary>
    void Display(object? value, string? displayId, bool update);

    /// <summary>Clears the cell's output, at once or (with <paramref name="wait"/>) when the next output arrives.</summary>
    void ClearOutput(bool wait);
}
