using Phosphene.Synchrony;

namespace Phosphene.Notebook.Magics;

/// <summary>A complex-valued network whose phases can be drawn: a <see cref="KomplexNetRun"/> (with its test images) or a <see cref="KomplexNet"/>.</summary>
public sealed class PhaseModelKind : MagicValueKind
{
    /// <inheritdoc/>
    public override string Name => "komplexnet";

    /// <inheritdoc/>
    public override string Description => "a komplexnet result (bound with --as) or a KomplexNet";

    /// <inheritdoc/>
    public override Type ValueType => typeof(object);

    /// <inheritdoc/>
    protected override object Convert(object value, string what) => value switch
    {
        KomplexNetRun or KomplexNet => value,
        _ => throw Refuse(value, what),
    };
}
