using Google.Protobuf;
using ResNetService.Onnx.Graph;
using ResNetService.Onnx.ModelFile;
using ResNetService.Onnx.Protos;

namespace ResNetService.Inference.Tests.Features;

/// <summary>Random ResNet-18 files changed the ways foreign exports differ from ours, for the feature and explanation tests.</summary>
internal static class FeatureModels
{
    /// <summary>Our export's names: the last feature map, and the fully connected layer's input.</summary>
    public const string FeatureMap = "layer4.1.relu.out";
    public const string Embedding = "flatten.out";

    /// <summary>Metadata of a 64-pixel model (a 2x2 last feature map for ResNet-18).</summary>
    public static Dictionary<string, string> Metadata64()
    {
        var metadata = ModelFiles.SmallModelMetadata();
        metadata[ModelMetadataKeys.ImageSize] = "64";
        return metadata;
    }

    public static ModelProto Read(string path) => ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));

    public static string Save(ModelProto model, string path)
    {
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    /// <summary>Adds the values as graph outputs (as the exporter's --outputs does) and, when asked, declares them in the metadata.</summary>
    public static ModelProto WithOutputs(ModelProto model, bool declare, params string[] values)
    {
        var copy = model.Clone();
        copy.Graph.AddFloatOutputs(values);

        if (declare)
        {
            copy.MetadataProps.Add(new StringStringEntryProto { Key = ModelMetadataKeys.EmbeddingOutput, Value = Embedding });
            copy.MetadataProps.Add(new StringStringEntryProto { Key = ModelMetadataKeys.FeatureMapOutput, Value = FeatureMap });
        }

        return copy;
    }

    /// <summary>The scores through a final Softmax, as models that answer probabilities end.</summary>
    public static ModelProto WithSoftmax(ModelProto model)
    {
        var copy = model.Clone();
        var logits = copy.Graph.Output[0].Name;
        copy.Graph.Node.Add(new NodeProto { OpType = "Softmax", Name = "softmax", Input = { logits }, Output = { "probabilities" } });
        copy.Graph.Output[0].Name = "probabilities";
        return copy;
    }

    /// <summary>The fully connected layer as MatMul with a [channels, classes] matrix, then Add of the bias, as some converters write it.</summary>
    public static ModelProto WithMatMulHead(ModelProto model)
    {
        var copy = model.Clone();
        var gemm = copy.Graph.Node.Single(node => node.OpType == "Gemm");
        var weight = copy.Graph.Initializer.Single(tensor => tensor.Name == gemm.Input[1]);
        var (classes, channels) = ((int)weight.Dims[0], (int)weight.Dims[1]);
        var values = Floats(weight);
        var transposed = new float[values.Length];
        for (var c = 0; c < classes; c++)
        {
            for (var k = 0; k < channels; k++)
            {
                transposed[k * classes + c] = values[c * channels + k];
            }
        }

        copy.Graph.Initializer.Add(Tensor("fc.weight.t", [channels, classes], transposed));
        var index = copy.Graph.Node.IndexOf(gemm);
        copy.Graph.Node.RemoveAt(index);
        copy.Graph.Node.Insert(index, new NodeProto { OpType = "MatMul", Name = "fc.matmul", Input = { gemm.Input[0], "fc.weight.t" }, Output = { "fc.product" } });
        copy.Graph.Node.Insert(index + 1, new NodeProto { OpType = "Add", Name = "fc.add", Input = { "fc.product", gemm.Input[2] }, Output = { gemm.Output[0] } });
        return copy;
    }

    /// <summary>The global average pool replaced by a 1x1 max pool: no longer a ResNet-like head.</summary>
    public static ModelProto WithoutGlobalPool(ModelProto model)
    {
        var copy = model.Clone();
        var pool = copy.Graph.Node.Single(node => node.OpType == "GlobalAveragePool");
        pool.OpType = "GlobalMaxPool";
        return copy;
    }

    public static float[] Floats(TensorProto tensor) =>
        tensor.RawData.Length > 0 ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : [.. tensor.FloatData];

    private static TensorProto Tensor(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}
