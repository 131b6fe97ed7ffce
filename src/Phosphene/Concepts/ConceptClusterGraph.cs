using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Concepts;

/// <summary>One concept of the strategic cluster graph: the cluster of the class's images whose most important
/// concept it is (the images the model classifies by this strategy).</summary>
/// <param name="Concept">Concept index.</param>
/// <param name="Importance">Mean local importance of the concept over the graph's images.</param>
/// <param name="Images">Number of the class's images whose most important concept this is (the cluster's size).</param>
/// <param name="Prevalence">The cluster's share of the class's images: Images / N.</param>
/// <param name="Reliability">The model's accuracy on the cluster's images (share it assigns to the class), or null
/// when no image has this concept as its most important one.</param>
/// <param name="X">Concept-proximity layout, abscissa: first principal axis of the unit-norm concept directions.</param>
/// <param name="Y">Concept-proximity layout, ordinate: second principal axis.</param>
public readonly record struct ConceptNode(int Concept, double Importance, int Images, double Prevalence, double? Reliability, double X, double Y);

/// <summary>One image of the strategic cluster graph.</summary>
/// <param name="Image">Index of the image among the graph's images.</param>
/// <param name="Concept">Its most important concept (arg max of its local importances): its cluster.</param>
/// <param name="Correct">Whether the model assigns the image to the class.</param>
/// <param name="X">Layout abscissa: first principal axis of the images' local-importance vectors.</param>
/// <param name="Y">Layout ordinate: second principal axis.</param>
public readonly record struct StrategyPoint(int Image, int Concept, bool Correct, double X, double Y);

/// <summary>
/// The strategic cluster graph of one class (Fel, Boutin, Béthune, Cadène, Moayeri, Andéol, Chalvidal and Serre 2023,
/// "A Holistic Approach to Unifying Automatic Concept Extraction and Concept Importance Estimation", NeurIPS, section
/// "Strategic cluster graph" and Figure 1; its per-class pages in the authors' LENS project).
/// </summary>
/// <remarks>
/// <para>The paper's construction: every image x of the class gets its local concept importances φ(x) (any
/// attribution method on the coefficients: CRAFT's Sobol indices, Gradient × Input, …), and is assigned to the
/// cluster of its most important concept, arg max_k φ_k(x):
/// images in one cluster are classified by the same strategy. The images are laid out by their importance vectors
/// (the paper uses UMAP; here the first two principal axes, deterministic and without extra dependencies), coloured
/// by cluster.</para>
/// <para>Per concept k, over the N images of the class: <b>prevalence</b> = |C_k| / N, the share of the class's images
/// that the model recognises mainly through k; <b>reliability</b> = the model's accuracy on C_k, the share of the
/// cluster's images it assigns to the class (how often that strategy leads to the right answer).</para>
/// </remarks>
/// <param name="ClassIndex">The class.</param>
/// <param name="Nodes">One node per concept, in concept order.</param>
/// <param name="Points">One point per image, in image order.</param>
/// <param name="Similarity">Cosine similarity between concept directions, r×r.</param>
public sealed record ConceptClusterGraph(int ClassIndex, IReadOnlyList<ConceptNode> Nodes, IReadOnlyList<StrategyPoint> Points, double[,] Similarity)
{
    /// <summary>Builds the graph from the local importances of N images of the class and whether the model classifies each correctly.</summary>
    /// <param name="classIndex">The class.</param>
    /// <param name="localImportances">φ, N×r (N ≥ 1): the local importance of each concept for each image of the class.</param>
    /// <param name="correct">N flags: whether the model assigns image i to the class.</param>
    /// <param name="conceptBank">W, r×c, for the concept-proximity layout and the similarities.</param>
    /// <exception cref="PhospheneException">Shapes do not agree.</exception>
    public static ConceptClusterGraph Build(int classIndex, Tensor localImportances, IReadOnlyList<bool> correct, Tensor conceptBank)
    {
        ArgumentNullException.ThrowIfNull(localImportances);
        ArgumentNullException.ThrowIfNull(correct);
        ArgumentNullException.ThrowIfNull(conceptBank);
        if (localImportances.dim() != 2 || localImportances.shape[0] < 1)
            throw new PhospheneException($"local importances must be N×r with N ≥ 1 images, got [{string.Join(", ", localImportances.shape)}]");
        int n = (int)localImportances.shape[0], r = (int)localImportances.shape[1];
        if (correct.Count != n)
            throw new PhospheneException($"need one correctness flag per image ({n}), got {correct.Count}");
        if (conceptBank.dim() != 2 || conceptBank.shape[0] != r)
            throw new PhospheneException($"the concept bank must have one row per concept ({r}), got [{string.Join(", ", conceptBank.shape)}]");

        using var scope = NewDisposeScope();
        var phi = localImportances.detach().to_type(ScalarType.Float64);
        var cluster = phi.argmax(1).data<long>().ToArray();
        var mean = phi.mean([0]).data<double>().ToArray();
        var imageLayout = PrincipalPlane(phi);
        var points = new StrategyPoint[n];
        for (int i = 0; i < n; i++)
            points[i] = new StrategyPoint(i, (int)cluster[i], correct[i], imageLayout[i, 0], imageLayout[i, 1]);

        var directions = nn.functional.normalize(conceptBank.detach().to_type(ScalarType.Float64), p: 2, dim: 1);
        var conceptLayout = PrincipalPlane(directions);
        var values = directions.mm(directions.t()).contiguous().data<double>().ToArray();
        var similarity = new double[r, r];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < r; j++) similarity[i, j] = values[i * r + j];

        var nodes = new ConceptNode[r];
        for (int k = 0; k < r; k++)
        {
            int size = 0, right = 0;
            for (int i = 0; i < n; i++)
                if (cluster[i] == k) { size++; if (correct[i]) right++; }
            nodes[k] = new ConceptNode(k, mean[k], size, size / (double)n, size == 0 ? null : right / (double)size,
                conceptLayout[k, 0], conceptLayout[k, 1]);
        }
        return new ConceptClusterGraph(classIndex, nodes, points, similarity);
    }

    /// <summary>The concepts from most to least prevalent (the class's main strategies first).</summary>
    public IEnumerable<ConceptNode> Strategies => Nodes.OrderByDescending(node => node.Prevalence).ThenBy(node => node.Concept);

    // Coordinates of the rows on the first two principal axes of the centred rows (N×2; an axis the data do not
    // span stays 0). Each axis is signed so that its largest loading is positive: same data, same picture.
    static double[,] PrincipalPlane(Tensor rows)
    {
        using var scope = NewDisposeScope();
        long n = rows.shape[0];
        var centred = rows - rows.mean([0], keepdim: true);
        var (_, singular, vt) = linalg.svd(centred, fullMatrices: false);
        var result = new double[n, 2];
        double largest = singular.numel() > 0 ? singular[0].item<double>() : 0;
        for (int axis = 0; axis < Math.Min(2, singular.shape[0]); axis++)
        {
            if (singular[axis].item<double>() <= 1e-12 * Math.Max(largest, 1e-300)) break;
            var direction = vt[axis];
            if (direction[direction.abs().argmax()].item<double>() < 0) direction = -direction;
            var coordinates = centred.mv(direction).data<double>().ToArray();
            for (int i = 0; i < n; i++) result[i, axis] = coordinates[i];
        }
        return result;
    }
}
