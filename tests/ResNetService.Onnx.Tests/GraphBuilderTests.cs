using ResNetService.Onnx.Graph;
using ResNetService.Onnx.Protos;
using static ResNetService.Onnx.Graph.OnnxAttributes;

namespace ResNetService.Onnx.Tests;

public class GraphBuilderTests
{
    [Fact]
    public void A_small_graph_computes_what_its_nodes_say()
    {
        // y = Relu(x + bias), bias broadcast over the batch.
        var builder = new OnnxGraphBuilder("tiny");
        var x = builder.AddInput("x", ["n", 3]);
        var bias = builder.AddInitializer("bias", [3], [1f, -5f, 0.5f]);
        var sum = builder.AddNode("Add", "add", [x, bias], "sum");
        builder.AddNode("Relu", "relu", [sum], "y");
        builder.AddOutput("y", ["n", 3]);
        using var runner = new OnnxRunner(builder.Build("tests", "1"));

        var (y, shape) = runner.Run([1f, 2f, 3f, -4f, 10f, -1f], [2, 3]);

        Assert.Equal([2L, 3L], shape);
        Assert.Equal([2f, 0f, 3.5f, 0f, 5f, 0f], y);
    }

    [Fact]
    public void Attributes_whose_value_is_zero_are_still_written()
    {
        var builder = new OnnxGraphBuilder("flatten");
        var x = builder.AddInput("x", [2, 3, 4]);
        builder.AddNode("Flatten", "flatten", [x], "y", Int("axis", 0));
        builder.AddOutput("y", [1, 24]);
        var model = OnnxModelFile.Read(OnnxModelFile.ToBytes(builder.Build("tests", "1")));

        var axis = Assert.Single(model.Graph.Node[0].Attribute);
        Assert.True(axis.HasI);
        Assert.Equal(AttributeProto.Types.AttributeType.Int, axis.Type);

        using var runner = new OnnxRunner(model);
        var (_, shape) = runner.Run(new float[24], [2, 3, 4]);
        Assert.Equal([1L, 24L], shape);
    }

    [Fact]
    public void Raw_data_is_little_endian_float32()
    {
        var tensor = OnnxTensors.Float("t", [2], [1f, -2.5f]);

        Assert.Equal(new byte[] { 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0 }, tensor.RawData.ToByteArray());
        Assert.Equal([1f, -2.5f], OnnxTensors.ReadFloats(tensor));
    }

    [Fact]
    public void Broken_graphs_are_refused_while_building()
    {
        var builder = new OnnxGraphBuilder("broken");
        var x = builder.AddInput("x", [1]);
        builder.AddNode("Relu", "relu", [x], "y");

        Assert.Throws<InvalidOperationException>(() => builder.AddNode("Relu", "relu", ["y"], "z"));
        Assert.Throws<InvalidOperationException>(() => builder.AddNode("Relu", "relu2", ["missing"], "z"));
        Assert.Throws<InvalidOperationException>(() => builder.AddNode("Relu", "relu3", [x], "y"));
        Assert.Throws<InvalidOperationException>(() => builder.AddInitializer("x", [1], [0f]));
        Assert.Throws<InvalidOperationException>(() => builder.AddOutput("nowhere", [1]));
        Assert.Throws<InvalidOperationException>(() => new OnnxGraphBuilder("no outputs").Build("tests", "1"));
        Assert.Throws<ArgumentException>(() => builder.AddInitializer("w", [2, 2], [1f, 2f, 3f]));
    }
}
