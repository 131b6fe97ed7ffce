namespace Phosphene.Attribution;

/// <summary>
/// The registry of attribution methods by name (the method names the <c>%attribute</c> magic takes), each created with its
/// published defaults and the shared <see cref="MethodSettings"/>.
/// </summary>
public static class AttributionMethods
{
    /// <summary>The registry itself: white-box methods first; names and summaries come from the methods.</summary>
    public static Registry<MethodSettings, AttributionMethod> Registry { get; } = new("method", new MethodSettings(),
        s => new Saliency().With(s),
        s => new GradientInput().With(s),
        s => new IntegratedGradients().With(s),
        s => new SmoothGrad().With(s),
        s => new SquareGrad().With(s),
        s => new VarGrad().With(s),
        s => new GuidedBackprop().With(s),
        s => new GradCam().With(s),
        s => new GradCamPlusPlus().With(s),
        s => new Occlusion().With(s),
        s => new Rise().With(s),
        s => new SobolAttribution().With(s),
        s => new HsicAttribution().With(s),
        s => new Lime().With(s),
        s => new KernelShap().With(s));

    /// <summary>Every method's name, white-box methods first.</summary>
    public static IReadOnlyList<string> Names => Registry.Names;

    /// <summary>A new instance of the method called <paramref name="name"/>, with its defaults and <paramref name="settings"/>.</summary>
    /// <exception cref="PhospheneException">Unknown name; the message suggests the closest one and lists them all.</exception>
    public static AttributionMethod Create(string name, MethodSettings? settings = null) =>
        Registry.Create(name, settings ?? new MethodSettings());

    /// <summary>One line per method: its name, family and default parameters, for help texts.</summary>
    public static IReadOnlyList<(string Name, string Family, string Defaults)> Describe() =>
        Registry.Defaults.Select(m => (m.Name, m.Family, m.Parameters)).ToArray();
}
