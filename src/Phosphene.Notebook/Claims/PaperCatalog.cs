namespace Phosphene.Notebook.Claims;

/// <summary>
/// The papers claims can cite by key: those of the notebook series, and any a user registers with
/// <see cref="Register"/> (a notebook of one's own cites its papers the same way).
/// </summary>
public static class PaperCatalog
{
    private static readonly object Lock = new();
    private static readonly Dictionary<string, Paper> Papers = new(StringComparer.Ordinal);

    static PaperCatalog()
    {
        foreach (var paper in Series)
            Papers[paper.Key] = paper;
    }

    /// <summary>The papers the notebook series reproduces.</summary>
    public static IReadOnlyList<Paper> Series { get; } =
    [
        new("integrated-gradients", "Axiomatic Attribution for Deep Networks", "Sundararajan, Taly and Yan", 2017, "arXiv:1703.01365"),
        new("smoothgrad", "SmoothGrad: removing noise by adding noise", "Smilkov, Thorat, Kim, Viégas and Wattenberg", 2017, "arXiv:1706.03825"),
        new("forgrad", "Saliency strikes back: How filtering out high frequencies improves white-box explanations",
            "Muzellec, Fel, Boutin, Andéol, VanRullen and Serre", 2023, "arXiv:2307.09591"),
        new("rise", "RISE: Randomized Input Sampling for Explanation of Black-box Models", "Petsiuk, Das and Saenko", 2018, "arXiv:1806.07421"),
        new("sanity-checks", "Sanity Checks for Saliency Maps", "Adebayo, Gilmer, Muelly, Goodfellow, Hardt and Kim", 2018, "arXiv:1810.03292"),
        new("sensitivity", "On the (In)fidelity and Sensitivity of Explanations", "Yeh, Hsieh, Suggala, Inouye and Ravikumar", 2019,
            "arXiv:1901.09392"),
        new("craft", "CRAFT: Concept Recursive Activation FacTorization for Explainability",
            "Fel, Picard, Béthune, Boissin, Vigouroux, Colin, Cadène and Serre", 2023, "arXiv:2211.10154"),
        new("holistic-concepts", "A Holistic Approach to Unifying Automatic Concept Extraction and Concept Importance Estimation",
            "Fel, Boutin, Béthune, Cadène, Moayeri, Andéol, Chalvidal and Serre", 2023, "arXiv:2306.07304"),
        new("kuramoto", "Self-entrainment of a population of coupled non-linear oscillators", "Kuramoto", 1975, "doi:10.1007/BFb0013365"),
        new("ott-antonsen", "Low dimensional behavior of large systems of globally coupled oscillators", "Ott and Antonsen", 2008, "arXiv:0806.0004"),
        new("kuranet", "KuraNet: Systems of Coupled Oscillators that Learn to Synchronize",
            "Ricci, Jung, Zhang, Chalvidal, Soni and Serre", 2021, "arXiv:2105.02838"),
        new("komplexnet", "Enhancing deep neural networks through complex-valued representations and Kuramoto synchronization dynamics",
            "Muzellec, Alamia, Serre and VanRullen", 2025, "arXiv:2502.21077"),
        new("linear-probes", "Understanding intermediate layers using linear classifier probes", "Alain and Bengio", 2017, "arXiv:1610.01644"),
        new("cka", "Similarity of Neural Network Representations Revisited", "Kornblith, Norouzi, Lee and Hinton", 2019, "arXiv:1905.00414"),
        new("rsa", "Representational similarity analysis – connecting the branches of systems neuroscience",
            "Kriegeskorte, Mur and Bandettini", 2008, "doi:10.3389/neuro.06.004.2008"),
    ];

    /// <summary>Every key, in registration order.</summary>
    public static IReadOnlyList<string> Keys
    {
        get { lock (Lock) return Papers.Keys.ToList(); }
    }

    /// <summary>Adds <paramref name="paper"/> (or replaces the paper with its key), so claims can cite it.</summary>
    public static void Register(Paper paper)
    {
        ArgumentNullException.ThrowIfNull(paper);
        if (string.IsNullOrWhiteSpace(paper.Key) || string.IsNullOrWhiteSpace(paper.Title))
            throw new ArgumentException("a paper needs a key and its full title");
        lock (Lock) Papers[paper.Key] = paper;
    }

    /// <summary>The paper with <paramref name="key"/>.</summary>
    /// <exception cref="PhospheneException">Unknown key; the message suggests the closest and lists them.</exception>
    public static Paper Find(string key)
    {
        lock (Lock)
        {
            if (Papers.TryGetValue(key, out var paper))
                return paper;
        }
        var keys = Keys;
        throw new PhospheneException($"unknown paper '{key}'{Suggestions.DidYouMean(key, keys)} (papers: {string.Join(", ", keys)}); " +
                                     "register one of your own with PaperCatalog.Register(new Paper(...))");
    }
}
