using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Phosphene.Notebook.Display;

namespace Phosphene.Interactive;

/// <summary>
/// Shows values in .NET Interactive exactly as the Phosphene kernel does: the MIME bundle of
/// <see cref="NotebookFormatter.Format"/>, published as display events (Jupyter <c>display_data</c> and
/// <c>update_display_data</c> through the dotnet-interactive kernel).
/// </summary>
internal static class InteractiveDisplay
{
    /// <summary>The formatted values of <paramref name="value"/>: one per MIME type of its bundle.</summary>
    public static IReadOnlyCollection<FormattedValue> Format(object? value)
        => NotebookFormatter.Format(value).Data.Select(d => new FormattedValue(d.Key, d.Value)).ToList();

    /// <summary>Shows <paramref name="value"/> under <paramref name="command"/>; the handle replaces it in place.</summary>
    public static IDisplayHandle Show(KernelInvocationContext context, KernelCommand command, object? value)
    {
        var id = Guid.NewGuid().ToString("N");
        context.Publish(new DisplayedValueProduced(value, command, Format(value), id));
        return new Handle(context, command, id);
    }

    /// <summary>
    /// Makes .NET Interactive's own displays (a cell's last value, <c>display(…)</c>) give every MIME type Phosphene
    /// registered for a type, not only its HTML: tensors as PNG, claims as their JSON type, and so on.
    /// </summary>
    public static void PreferPhospheneMimeTypes()
    {
        foreach (var type in NotebookFormatter.FormattedTypes)
        {
            var rich = NotebookFormatter.RichMimeTypesFor(type);
            if (rich.Count > 0)
                Formatter.SetPreferredMimeTypesFor(type, [.. rich, MimeTypes.PlainText]);
        }
    }

    private sealed class Handle(KernelInvocationContext context, KernelCommand command, string id) : IDisplayHandle
    {
        public string Id => id;

        public void Update(object? value) => context.Publish(new DisplayedValueUpdated(value, id, command, Format(value)));
    }
}
