using Phosphene.Concepts;
using static TorchSharp.torch;

namespace Phosphene.Tests.Concepts;

public class NonNegativeLeastSquaresTests
{
    [Fact]
    public void SolutionSatisfiesKktConditions()
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator().manual_seed(11);
        var bank = rand([12, 40], dtype: ScalarType.Float64, generator: generator);
        // Rows both inside and outside the cone: the solution has active and inactive constraints.
        var a = randn([500, 40], dtype: ScalarType.Float64, generator: generator) + 0.5;
        var u = NonNegativeLeastSquares.Solve(a, bank);
        Assert.Equal(new long[] { 500, 12 }, u.shape);
        Assert.True(u.eq(0).any().item<bool>() && u.gt(0).any().item<bool>());
        Assert.True(NonNegativeLeastSquares.KktViolation(a, bank, u) < 1e-5);
        // Signed bank (semi-NMF) too.
        var signed = randn([8, 40], dtype: ScalarType.Float64, generator: generator);
        Assert.True(NonNegativeLeastSquares.KktViolation(a, signed, NonNegativeLeastSquares.Solve(a, signed)) < 1e-5);
    }

    [Fact]
    public void SmallProblemsHaveTheirAnalyticSolutions()
    {
        // W = [[1,1,0],[0,1,1]]: a = [1,0,1] is inside the cone (u = [1/3, 1/3]); a = [1,0,-1] is not: the
        // unconstrained optimum [1, -1] clips to u = [1/2, 0].
        using var scope = NewDisposeScope();
        var bank = tensor(new double[] { 1, 1, 0, 0, 1, 1 }, [2, 3]);
        var a = tensor(new double[] { 1, 0, 1, 1, 0, -1 }, [2, 3]);
        var u = NonNegativeLeastSquares.Solve(a, bank).data<double>().ToArray();
        Assert.Equal(new[] { 1 / 3.0, 1 / 3.0, 0.5, 0 }, u.Select(v => Math.Round(v, 12)), new ToleranceComparer(1e-12));
    }

    sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double value) => 0;
    }

    [Fact]
    public void ImplicitDerivativeMatchesFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator().manual_seed(3);
        var bank = rand([5, 9], dtype: ScalarType.Float64, generator: generator);
        var a = (randn([1, 9], dtype: ScalarType.Float64, generator: generator) * 0.3 + 0.4).requires_grad_(true);
        var u = NonNegativeLeastSquares.SolveDifferentiable(a, bank);
        Assert.True(u.detach().allclose(NonNegativeLeastSquares.Solve(a.detach(), bank), atol: 1e-10));
        Assert.True(u.detach().gt(0).sum().item<long>() is > 0 and < 5);      // mixed active set
        var jacobian = zeros(5, 9, dtype: ScalarType.Float64);
        for (int k = 0; k < 5; k++)
            jacobian[k] = TorchSharp.torch.autograd.grad([u[0, k]], [a], retain_graph: true)[0][0];
        const double h = 1e-6;
        for (int j = 0; j < 9; j++)
        {
            var step = zeros(1, 9, dtype: ScalarType.Float64);
            step[0, j] = h;
            var plus = NonNegativeLeastSquares.Solve(a.detach() + step, bank);
            var minus = NonNegativeLeastSquares.Solve(a.detach() - step, bank);
            var numeric = ((plus - minus) / (2 * h))[0];
            Assert.True(numeric.allclose(jacobian[.., j], rtol: 1e-4, atol: 1e-6),
                $"column {j}: {string.Join(", ", numeric.data<double>().ToArray())} vs {string.Join(", ", jacobian[.., j].contiguous().data<double>().ToArray())}");
        }
    }

    [Fact]
    public void ShapeMismatchIsAClearError()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<PhospheneException>(() => NonNegativeLeastSquares.Solve(ones(4, 3), ones(2, 5)));
        Assert.Equal("NNLS needs activations n×c and a concept bank r×c with the same c, got [4, 3] and [2, 5]", e.Message);
    }
}
