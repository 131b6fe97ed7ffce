namespace Phosphene.Attribution;

/// <summary>
/// The registry of attribution methods by name (the method names the <c>%attribute</c> magic takes), each created with its
/// published defaults.
/// </summary>
public static class AttributionMethods
{
    static readonly (string Name, Func<AttributionMethod> Create)[] All =
    [
        ("saliency", () => new Saliency()),
        ("gradient-input", () => new GradientInput()),
        ("integrated-gradients", () => new IntegratedGradients()),
        ("smoothgrad", () => new SmoothGrad()),
        ("squaregrad", () => new SquareGrad()),
        ("vargrad", () => new VarGrad()),
        ("guided-backprop", () => new GuidedBackprop()),
        ("grad-cam", () => new GradCam()),
        ("grad-cam-pp", () => new GradCamPlusPlus()),
        ("occlusion", () => new Occlusion()),
        ("rise", () => new Rise()),
        ("sobol", () => new SobolAttribution()),
        ("hsic", () => new HsicAttribution()),
        ("lime", () => new Lime()),
        ("kernel-shap", () => new KernelShap()),
    ];

    /// <summary>Every method's name, white-box methods first.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(m => m.Name).ToArray();

    /// <summary>A new instance of the method called <paramref name="name"/>, with its defaults.</summary>
    /// <exception cref="PhospheneException">Unknown name; the message suggests the closest one and lists them all.</exception>
    public static AttributionMethod Create(string name)
    {
        foreach (var (known, create) in All)
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
                return create();
        throw new PhospheneException(
            $"unknown method '{name}'{Suggestions.DidYouMean(name, Names)} (methods: {string.Join(", ", Names)})");
    }

    /// <summary>One line per method: its name, family and default parameters, for help texts.</summary>
    public static IReadOnlyList<(string Name, string Family, string Defaults)> Describe() =>
        All.Select(m =>
        {
            var method = m.Create();
            return (m.Name, method is GradientAttribution ? "white-box" : "black-box", method.Parameters);
        }).ToArray();
}
