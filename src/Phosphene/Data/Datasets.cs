using System.Security.Cryptography;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Data;

/// <summary>The datasets Phosphene can load, resolved through a <see cref="DataCatalog"/>.</summary>
public static class Datasets
{
    /// <summary>
    /// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017, "Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine
    /// Learning Algorithms"): 60,000 train / 10,000 test 1×28×28 images in 10 clothing classes.
    /// On Debian, <c>apt install dataset-fashion-mnist</c> provides the files offline.
    /// </summary>
    public static ImageDataset FashionMnist(DatasetSplit split, DataCatalog? catalog = null,
                                            IProgress<DownloadProgress>? progress = null, CancellationToken cancellation = default) =>
        LoadIdx("fashion-mnist", split, catalog ?? DataCatalog.Default, progress, cancellation);

    /// <summary>
    /// MNIST (LeCun, Bottou, Bengio and Haffner 1998, "Gradient-based learning applied to document recognition"):
    /// 60,000 train / 10,000 test 1×28×28 handwritten digits.
    /// </summary>
    public static ImageDataset Mnist(DatasetSplit split, DataCatalog? catalog = null,
                                     IProgress<DownloadProgress>? progress = null, CancellationToken cancellation = default) =>
        LoadIdx("mnist", split, catalog ?? DataCatalog.Default, progress, cancellation);

    /// <summary>
    /// Loads an MNIST-layout dataset (files <c>{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz</c>) from a catalogue:
    /// images as float32 N×1×H×W in [0, 1] (byte / 255), labels as int64 N.
    /// </summary>
    public static ImageDataset LoadIdx(string datasetName, DatasetSplit split, DataCatalog catalog,
                                       IProgress<DownloadProgress>? progress = null, CancellationToken cancellation = default)
    {
        var manifest = catalog.Manifest(datasetName);
        string prefix = split == DatasetSplit.Train ? "train" : "t10k";
        string imagesFile = $"{prefix}-images-idx3-ubyte.gz", labelsFile = $"{prefix}-labels-idx1-ubyte.gz";
        var images = IdxFile.Read(catalog.Resolve(datasetName, imagesFile, progress, cancellation), 3);
        var labels = IdxFile.Read(catalog.Resolve(datasetName, labelsFile, progress, cancellation), 1);
        if (labels.Shape[0] != images.Shape[0])
            throw new PhospheneException(
                $"dataset '{datasetName}' {split}: {images.Shape[0]} images but {labels.Shape[0]} labels");
        if (manifest.Classes.Count > 0 && labels.Data.Any(l => l >= manifest.Classes.Count))
            throw new PhospheneException(
                $"dataset '{datasetName}' {split}: a label exceeds the {manifest.Classes.Count} classes of the manifest");

        using var scope = NewDisposeScope();
        var imageTensor = tensor(images.Data, [images.Shape[0], 1, images.Shape[1], images.Shape[2]])
            .to_type(ScalarType.Float32).div_(255f);
        var labelTensor = tensor(labels.Data, [labels.Shape[0]]).to_type(ScalarType.Int64);
        // Identify the data by its verified checksums, so a re-compressed copy hashes like the original.
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{datasetName}:{manifest.File(imagesFile).Sha256}:{manifest.File(labelsFile).Sha256}")));
        var classes = manifest.Classes.Count > 0
            ? manifest.Classes
            : Enumerable.Range(0, labels.Data.Max() + 1).Select(i => i.ToString()).ToArray();
        return new ImageDataset($"{datasetName}-{split.ToString().ToLowerInvariant()}", imageTensor, labelTensor, classes, hash);
    }
}
