using System.Text.Json;
using Google.Protobuf;
using ResNetService.Onnx.ModelFile;
using ResNetService.Onnx.Protos;
using ResNetService.TestSupport;
using ResNetService.Topology;

namespace ResNetService.Inference.Tests;

/// <summary>
/// Random-weight ResNet-18 ONNX files in a temporary folder. The graph is built once per class count; each file
/// differs only in its metadata or input shape.
/// </summary>
public sealed class ModelFiles : IDisposable
{
    private static readonly Dictionary<int, ModelProto> Graphs = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("inference-tests-").FullName;

    public string Folder => _folder;

    /// <summary>Labels in the metadata for a 10-class model, as the trainer writes them.</summary>
    public static readonly string[] TenLabels = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    /// <summary>Metadata for a small model: 32-pixel input, direct resize, ImageNet statistics, ten labels.</summary>
    public static Dictionary<string, string> SmallModelMetadata() => new()
    {
        [ModelMetadataKeys.ImageSize] = "32",
        [ModelMetadataKeys.ResizeMode] = ResizeModes.Direct,
        [ModelMetadataKeys.Labels] = JsonSerializer.Serialize(TenLabels),
        [ModelMetadataKeys.Architecture] = "resnet18",
    };

    /// <summary>Writes <c>name.onnx</c> and returns its path.</summary>
    /// <param name="fixedBatch">Fixes the input's batch dimension (a model exported without a dynamic batch).</param>
    /// <param name="fixedImageSize">Fixes the input's height and width.</param>
    public string Write(string name, IReadOnlyDictionary<string, string>? metadata = null, int classes = 10,
        int? fixedBatch = null, int? fixedImageSize = null)
    {
        var model = Graph(classes).Clone();
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        var inputDims = model.Graph.Input[0].Type.TensorType.Shape.Dim;
        if (fixedBatch is { } batch)
        {
            inputDims[0] = new TensorShapeProto.Types.Dimension { DimValue = batch };
        }

        if (fixedImageSize is { } size)
        {
            inputDims[2] = new TensorShapeProto.Types.Dimension { DimValue = size };
            inputDims[3] = new TensorShapeProto.Types.Dimension { DimValue = size };
        }
        var path = Path.Combine(_folder, name + ".onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    /// <summary>Writes a file beside the models and returns its path.</summary>
    public string WriteText(string fileName, string text)
    {
        var path = Path.Combine(_folder, fileName);
        File.WriteAllText(path, text);
        return path;
    }

    private static ModelProto Graph(int classes)
    {
        lock (Graphs)
        {
            if (!Graphs.TryGetValue(classes, out var graph))
            {
                Graphs[classes] = graph = RandomResNetModel.Create(new ResNetConfig(ResNetArchitecture.ResNet18, classes), seed: 7);
            }

            return graph;
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
