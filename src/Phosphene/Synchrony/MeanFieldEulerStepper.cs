using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// The fused forward-Euler step of all-to-all (mean-field) networks in float32 on the CPU: one pass over the
/// oscillators per step updates θ from the previous step's sin θ, cos θ and their sums, wraps it to [0, 2π), and
/// computes the new sin θ, cos θ (SIMD polynomials) and sums for the next step. The tensor path needs about a dozen
/// passes and sine/cosine kernel launches per step; at N = 10⁴ the launches, not the arithmetic, dominate.
/// It works in place on the storage of TorchSharp tensors, so the simulator's tensors see every update.
/// </summary>
internal sealed class MeanFieldEulerStepper : IDisposable
{
    readonly KuramotoModel model;
    readonly Tensor theta, omega, sin, cos, displacement;
    readonly int networks, oscillators;
    readonly double[] sumSin, sumCos, coupling;

    /// <summary>Whether the fused step computes exactly what the tensor path would for this model and options.</summary>
    public static bool Applies(KuramotoModel model, SimulationOptions options) =>
        options.Integrator == Integrator.Euler && model.Topology is AllToAllCoupling && model.NoiseIntensity == 0 &&
        model.Frequencies.dtype == ScalarType.Float32 && model.Frequencies.device_type == DeviceType.CPU &&
        model.Networks * model.Oscillators < int.MaxValue / sizeof(float);

    /// <summary>Prepares the step on <paramref name="theta"/> and <paramref name="displacement"/> (contiguous B×N float32, updated in place).</summary>
    public MeanFieldEulerStepper(KuramotoModel model, Tensor theta, Tensor displacement)
    {
        this.model = model;
        this.theta = theta;
        this.displacement = displacement;
        networks = (int)model.Networks;
        oscillators = (int)model.Oscillators;
        omega = model.Frequencies.detach().contiguous().clone().DetachFromDisposeScope();
        sin = theta.sin().DetachFromDisposeScope();
        cos = theta.cos().DetachFromDisposeScope();
        using (var k = model.Coupling.detach().to_type(ScalarType.Float64)) coupling = k.data<double>().ToArray();
        sumSin = new double[networks];
        sumCos = new double[networks];
        var s = Floats(sin);
        var c = Floats(cos);
        for (int b = 0; b < networks; b++)
        {
            double ss = 0, cc = 0;
            for (int i = b * oscillators; i < (b + 1) * oscillators; i++) { ss += s[i]; cc += c[i]; }
            sumSin[b] = ss;
            sumCos[b] = cc;
        }
    }

    static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    /// <summary>One Euler step from time <paramref name="time"/>; adds the increment to the displacement when measuring.</summary>
    public void Step(double time, double dt, bool measuring)
    {
        var th = Floats(theta);
        var w = Floats(omega);
        var s = Floats(sin);
        var c = Floats(cos);
        var d = measuring ? Floats(displacement) : Span<float>.Empty;
        double lagCos = Math.Cos(model.PhaseLag), lagSin = Math.Sin(model.PhaseLag);
        double fieldSin = model.FieldStrength * Math.Sin(model.FieldFrequency * time);
        double fieldCos = model.FieldStrength * Math.Cos(model.FieldFrequency * time);
        for (int b = 0; b < networks; b++)
        {
            // v = ω + K[cos α (S̄ cos θ − C̄ sin θ) − sin α (C̄ cos θ + S̄ sin θ)] + h (sin Ωt cos θ − cos Ωt sin θ) = ω + P cos θ + Q sin θ
            double meanSin = sumSin[b] / oscillators, meanCos = sumCos[b] / oscillators, k = coupling[b];
            float p = (float)(k * (lagCos * meanSin - lagSin * meanCos) + fieldSin);
            float q = (float)(-k * (lagCos * meanCos + lagSin * meanSin) - fieldCos);
            int start = b * oscillators;
            (sumSin[b], sumCos[b]) = StepRow(th.Slice(start, oscillators), w.Slice(start, oscillators), s.Slice(start, oscillators),
                                             c.Slice(start, oscillators), measuring ? d.Slice(start, oscillators) : Span<float>.Empty, p, q, (float)dt);
        }
    }

    static (double SumSin, double SumCos) StepRow(Span<float> theta, ReadOnlySpan<float> omega, Span<float> sin, Span<float> cos,
                                                  Span<float> displacement, float p, float q, float dt)
    {
        const float twoPi = 2 * MathF.PI, inverseTwoPi = 1 / (2 * MathF.PI);
        int n = theta.Length, i = 0;
        double sumSin = 0, sumCos = 0;
        bool measure = !displacement.IsEmpty;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            var vp = Vector512.Create(p);
            var vq = Vector512.Create(q);
            var vdt = Vector512.Create(dt);
            var v2pi = Vector512.Create(twoPi);
            var vinv = Vector512.Create(inverseTwoPi);
            var accSin = Vector512<float>.Zero;
            var accCos = Vector512<float>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var velocity = Vector512.FusedMultiplyAdd(vq, Vector512.Create<float>(sin.Slice(i)),
                               Vector512.FusedMultiplyAdd(vp, Vector512.Create<float>(cos.Slice(i)), Vector512.Create<float>(omega.Slice(i))));
                var increment = velocity * vdt;
                var next = Vector512.Create<float>(theta.Slice(i)) + increment;
                next -= v2pi * Vector512.Floor(next * vinv);
                next.CopyTo(theta.Slice(i));
                if (measure) (Vector512.Create<float>(displacement.Slice(i)) + increment).CopyTo(displacement.Slice(i));
                var (s, c) = SinCos(next);
                s.CopyTo(sin.Slice(i));
                c.CopyTo(cos.Slice(i));
                accSin += s;
                accCos += c;
            }
            sumSin += Vector512.Sum(accSin);
            sumCos += Vector512.Sum(accCos);
        }
        if (Vector256.IsHardwareAccelerated && n - i >= Vector256<float>.Count)
        {
            var vp = Vector256.Create(p);
            var vq = Vector256.Create(q);
            var vdt = Vector256.Create(dt);
            var v2pi = Vector256.Create(twoPi);
            var vinv = Vector256.Create(inverseTwoPi);
            var accSin = Vector256<float>.Zero;
            var accCos = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var velocity = Vector256.FusedMultiplyAdd(vq, Vector256.Create<float>(sin.Slice(i)),
                               Vector256.FusedMultiplyAdd(vp, Vector256.Create<float>(cos.Slice(i)), Vector256.Create<float>(omega.Slice(i))));
                var increment = velocity * vdt;
                var next = Vector256.Create<float>(theta.Slice(i)) + increment;
                next -= v2pi * Vector256.Floor(next * vinv);
                next.CopyTo(theta.Slice(i));
                if (measure) (Vector256.Create<float>(displacement.Slice(i)) + increment).CopyTo(displacement.Slice(i));
                var (s, c) = SinCos(next);
                s.CopyTo(sin.Slice(i));
                c.CopyTo(cos.Slice(i));
                accSin += s;
                accCos += c;
            }
            sumSin += Vector256.Sum(accSin);
            sumCos += Vector256.Sum(accCos);
        }
        for (; i < n; i++)
        {
            float increment = (omega[i] + p * cos[i] + q * sin[i]) * dt;
            float next = theta[i] + increment;
            next -= twoPi * MathF.Floor(next * inverseTwoPi);
            theta[i] = next;
            if (measure) displacement[i] += increment;
            (sin[i], cos[i]) = MathF.SinCos(next);
            sumSin += sin[i];
            sumCos += cos[i];
        }
        return (sumSin, sumCos);
    }

    // Sine and cosine for float32 lanes: Cody–Waite reduction by π/2 (three-part constant), then the minimax
    // polynomials of Cephes' sinf/cosf on [−π/4, π/4] (error about 1 ulp), the quadrant choosing swap and signs.
    // About 25 vector instructions, several times cheaper than the runtime's SinCos, which evaluates in double.
    const float TwoOverPi = 0.636619772367581343f, PiOver2A = 1.5703125f, PiOver2B = 4.837512969970703125e-4f, PiOver2C = 7.54978995489188216e-8f;
    const float S1 = -1.9515295891e-4f, S2 = 8.3321608736e-3f, S3 = -1.6666654611e-1f;
    const float C1 = 2.443315711809948e-5f, C2 = -1.388731625493765e-3f, C3 = 4.166664568298827e-2f;

    static (Vector512<float> Sin, Vector512<float> Cos) SinCos(Vector512<float> x)
    {
        var j = Vector512.Round(x * TwoOverPi);
        var r = x - j * PiOver2A - j * PiOver2B - j * PiOver2C;
        var z = r * r;
        var sin = ((Vector512.Create(S1) * z + Vector512.Create(S2)) * z + Vector512.Create(S3)) * z * r + r;
        var cos = ((Vector512.Create(C1) * z + Vector512.Create(C2)) * z + Vector512.Create(C3)) * z * z - z * 0.5f + Vector512<float>.One;
        var quadrant = Vector512.ConvertToInt32(j);
        var one = Vector512<int>.One;
        var two = Vector512.Create(2);
        var swap = Vector512.Equals(quadrant & one, one).AsSingle();
        var sinSign = Vector512.ShiftLeft(quadrant & two, 30).AsSingle();
        var cosSign = Vector512.ShiftLeft((quadrant + one) & two, 30).AsSingle();
        return (Vector512.ConditionalSelect(swap, cos, sin) ^ sinSign, Vector512.ConditionalSelect(swap, sin, cos) ^ cosSign);
    }

    static (Vector256<float> Sin, Vector256<float> Cos) SinCos(Vector256<float> x)
    {
        var j = Vector256.Round(x * TwoOverPi);
        var r = x - j * PiOver2A - j * PiOver2B - j * PiOver2C;
        var z = r * r;
        var sin = ((Vector256.Create(S1) * z + Vector256.Create(S2)) * z + Vector256.Create(S3)) * z * r + r;
        var cos = ((Vector256.Create(C1) * z + Vector256.Create(C2)) * z + Vector256.Create(C3)) * z * z - z * 0.5f + Vector256<float>.One;
        var quadrant = Vector256.ConvertToInt32(j);
        var one = Vector256<int>.One;
        var two = Vector256.Create(2);
        var swap = Vector256.Equals(quadrant & one, one).AsSingle();
        var sinSign = Vector256.ShiftLeft(quadrant & two, 30).AsSingle();
        var cosSign = Vector256.ShiftLeft((quadrant + one) & two, 30).AsSingle();
        return (Vector256.ConditionalSelect(swap, cos, sin) ^ sinSign, Vector256.ConditionalSelect(swap, sin, cos) ^ cosSign);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        omega.Dispose();
        sin.Dispose();
        cos.Dispose();
    }
}
