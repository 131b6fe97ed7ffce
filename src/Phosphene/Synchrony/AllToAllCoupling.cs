using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// All-to-all coupling Aᵢⱼ = 1/N, the classic Kuramoto model (Kuramoto 1975): the interaction is
/// r sin(ψ − θᵢ − α) with r e^{iψ} = (1/N) Σⱼ e^{iθⱼ}, evaluated in the mean-field form in O(N) per step.
/// </summary>
public sealed class AllToAllCoupling : CouplingTopology
{
    /// <inheritdoc />
    public override string Name => "all-to-all";

    /// <inheritdoc />
    public override void Check(long networks, long oscillators)
    {
        if (networks < 1 || oscillators < 1)
            throw new PhospheneException($"all-to-all coupling needs at least one network of one oscillator, got {networks}×{oscillators}");
    }

    /// <inheritdoc />
    protected internal override (Tensor Sin, Tensor Cos) Fields(Tensor sin, Tensor cos) =>
        (sin.mean([1], keepdim: true), cos.mean([1], keepdim: true));

    internal override CouplingWorkspace CreateWorkspace(long networks, long oscillators, ScalarType dtype) =>
        new MeanFieldWorkspace(networks, oscillators, dtype);

    internal override void FieldsInto(Tensor sin, Tensor cos, CouplingWorkspace workspace)
    {
        // Means as matrix–vector products into the preallocated fields: no allocation per step.
        var w = (MeanFieldWorkspace)workspace;
        w.SinFlat.addmv_(sin, w.Average, 0, 1);
        w.CosFlat.addmv_(cos, w.Average, 0, 1);
    }

    sealed class MeanFieldWorkspace : CouplingWorkspace
    {
        public Tensor Average { get; }
        public Tensor SinFlat { get; }
        public Tensor CosFlat { get; }

        public MeanFieldWorkspace(long networks, long oscillators, ScalarType dtype) : base(networks, oscillators, 1, dtype)
        {
            Average = full(oscillators, 1.0 / oscillators, dtype: dtype).DetachFromDisposeScope();
            SinFlat = SinField.view(networks).DetachFromDisposeScope();
            CosFlat = CosField.view(networks).DetachFromDisposeScope();
        }

        public override void Dispose()
        {
            Average.Dispose();
            SinFlat.Dispose();
            CosFlat.Dispose();
            base.Dispose();
        }
    }
}
