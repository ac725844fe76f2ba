using ResNetService.Onnx.Graph;
using ResNetService.Onnx.Protos;
using ResNetService.Onnx.ResNet;
using ResNetService.TestSupport;
using ResNetService.Topology;

namespace ResNetService.Onnx.Tests;

/// <summary>The written file follows the ONNX contract in the design (read back from bytes, as any reader would).</summary>
public class ModelStructureTests
{
    private static readonly string[] AllowedOperators =
        ["Conv", "BatchNormalization", "Relu", "MaxPool", "Add", "GlobalAveragePool", "Flatten", "Gemm"];

    public static TheoryData<string, ResNetVariant> Configs => new()
    {
        { "resnet18", ResNetVariant.V1_5 },
        { "resnet34", ResNetVariant.V1_5 },
        { "resnet50", ResNetVariant.V1_5 },
        { "resnet50", ResNetVariant.V1 },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Model_follows_the_contract(string name, ResNetVariant variant)
    {
        var config = new ResNetConfig(ResNetArchitecture.Parse(name), NumClasses: 4, variant);
        var model = OnnxModelFile.Read(RandomResNetModel.ToBytes(config));
        var graph = model.Graph;

        Assert.Equal(8, model.IrVersion);
        var opset = Assert.Single(model.OpsetImport);
        Assert.Equal("", opset.Domain);
        Assert.Equal(17, opset.Version);

        var input = Assert.Single(graph.Input);
        Assert.Equal("input", input.Name);
        var inputDims = input.Type.TensorType.Shape.Dim;
        Assert.Equal(TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam, inputDims[0].ValueCase);
        Assert.Equal("batch", inputDims[0].DimParam);
        Assert.Equal(3, inputDims[1].DimValue);
        Assert.Equal((int)TensorProto.Types.DataType.Float, input.Type.TensorType.ElemType);

        var output = Assert.Single(graph.Output);
        Assert.Equal("logits", output.Name);
        Assert.Equal("batch", output.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(4, output.Type.TensorType.Shape.Dim[1].DimValue);

        var initializerNames = graph.Initializer.Select(tensor => tensor.Name).ToHashSet();
        Assert.DoesNotContain(graph.Input, value => initializerNames.Contains(value.Name));
        Assert.Equal(ResNetParameters.Enumerate(config).Select(spec => spec.Name).Order(), initializerNames.Order());
        Assert.All(graph.Initializer, tensor => Assert.True(tensor.HasRawData && tensor.FloatData.Count == 0, $"{tensor.Name} is not raw_data."));

        Assert.Equal(graph.Node.Count, graph.Node.Select(node => node.Name).Distinct().Count());
        Assert.All(graph.Node, node => Assert.Contains(node.OpType, AllowedOperators));
        Assert.Equal(graph.Node.Count, graph.Node.SelectMany(node => node.Output).Distinct().Count());
    }

    [Fact]
    public void Every_node_reads_only_tensors_defined_before_it()
    {
        var model = RandomResNetModel.Create(new ResNetConfig(ResNetArchitecture.ResNet50, 3));
        var defined = model.Graph.Initializer.Select(tensor => tensor.Name).Concat(model.Graph.Input.Select(value => value.Name)).ToHashSet();

        foreach (var node in model.Graph.Node)
        {
            Assert.All(node.Input, name => Assert.Contains(name, defined));
            defined.UnionWith(node.Output);
        }

        Assert.Contains("logits", defined);
    }

    [Fact]
    public void Node_counts_match_the_topology()
    {
        var model = RandomResNetModel.Create(new ResNetConfig(ResNetArchitecture.ResNet50, 3));
        var counts = model.Graph.Node.GroupBy(node => node.OpType).ToDictionary(group => group.Key, group => group.Count());

        // ResNet-50: stem conv + 16 blocks x 3 convs + 4 projections; a batch norm after each; one Add per block.
        Assert.Equal(53, counts["Conv"]);
        Assert.Equal(53, counts["BatchNormalization"]);
        Assert.Equal(16, counts["Add"]);
        Assert.Equal(1 + 16 * 3, counts["Relu"]);
        Assert.Equal(1, counts["Gemm"]);
        Assert.Equal(1, counts["MaxPool"]);
    }

    [Fact]
    public void Metadata_and_producer_round_trip_through_bytes()
    {
        var metadata = new Dictionary<string, string>
        {
            ["labels"] = "[\"T-shirt/top\",\"Trouser\"]",
            ["architecture"] = "resnet18",
            ["empty"] = "",
        };
        var config = new ResNetConfig(ResNetArchitecture.ResNet18, 2);
        var written = ResNetOnnxExporter.Build(config, RandomResNetWeights.Create(config, 0), metadata, "trainer 1.2.3");

        var model = OnnxModelFile.Read(OnnxModelFile.ToBytes(written));

        Assert.Equal(metadata, model.MetadataProps.ToDictionary(entry => entry.Key, entry => entry.Value));
        Assert.Equal("ResNetService", model.ProducerName);
        Assert.Equal("trainer 1.2.3", model.ProducerVersion);
    }

    [Fact]
    public void Initializers_hold_the_given_weights()
    {
        var config = new ResNetConfig(ResNetArchitecture.ResNet18, 2);
        var weights = RandomResNetWeights.Create(config, 9);
        var model = OnnxModelFile.Read(OnnxModelFile.ToBytes(ResNetOnnxExporter.Build(config, weights, new Dictionary<string, string>(), "test")));

        foreach (var tensor in model.Graph.Initializer)
        {
            Assert.Equal(weights[tensor.Name].Shape, tensor.Dims);
            Assert.Equal(weights[tensor.Name].Data, OnnxTensors.ReadFloats(tensor));
        }
    }
}
