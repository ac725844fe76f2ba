using System.Xml.Linq;
using ResNetService.Topology;
using ResNetService.Trainer.Summary;

namespace ResNetService.Trainer.Tests.Keras;

/// <summary>
/// The summary of the SIGNS tutorial's network measured through the real TorchSharp network, against what Keras
/// prints for it: shapes channels last, 23,600,006 parameters of which 53,120 non-trainable.
/// </summary>
public sealed class KerasSummaryTests
{
    private static readonly ModelSummary Signs = ModelSummary.Create(
        new ResNetConfig(ResNetArchitecture.ResNet50, 6, ResNetVariant.Keras, Head: ResNetHead.AveragePool2), 64);

    private static readonly IReadOnlyList<KerasLayer> Layers = KerasLayers.From(Signs);

    private static string Shape(string name) => KerasLayers.ShapeText(Layers.Single(layer => layer.Name == name));

    [Fact]
    public void Totals_are_the_tutorials()
    {
        Assert.Equal(23_600_006, Signs.TotalParameters);
        Assert.Equal(23_546_886, Signs.TrainableParameters);
        Assert.Equal(53_120, Signs.NonTrainableParameters);
        Assert.Equal(Signs.TotalParameters, Layers.Sum(layer => layer.Parameters));
    }

    [Fact]
    public void Output_shapes_are_printed_channels_last_as_keras_does()
    {
        Assert.Equal("[(None, 64, 64, 3)]", Shape("input"));
        Assert.Equal("(None, 70, 70, 3)", Shape("pad"));
        Assert.Equal("(None, 32, 32, 64)", Shape("conv1"));
        Assert.Equal("(None, 15, 15, 64)", Shape("maxpool"));
        Assert.Equal("(None, 15, 15, 256)", Shape("layer1.2.relu"));
        Assert.Equal("(None, 8, 8, 512)", Shape("layer2.3.relu"));
        Assert.Equal("(None, 4, 4, 1024)", Shape("layer3.5.relu"));
        Assert.Equal("(None, 2, 2, 2048)", Shape("layer4.2.relu"));
        Assert.Equal("(None, 1, 1, 2048)", Shape("avgpool"));
        Assert.Equal("(None, 2048)", Shape("flatten"));
        Assert.Equal("(None, 6)", Shape("fc"));
    }

    [Fact]
    public void Layers_are_keras_classes_connected_as_the_tutorial_wires_them()
    {
        // Keras's model.layers for this network: input, 5 stem layers, 4 convolutional blocks of 12 and 12 identity
        // blocks of 10 layers, average pool, flatten, dense.
        Assert.Equal(1 + 5 + 4 * 12 + 12 * 10 + 3, Layers.Count);
        var byName = Layers.ToDictionary(layer => layer.Name);
        Assert.Equal("InputLayer", Layers[0].Type);
        Assert.Equal(["ZeroPadding2D", "Conv2D", "BatchNormalization", "Activation", "MaxPooling2D"], Layers.Skip(1).Take(5).Select(layer => layer.Type));
        Assert.Equal(["layer1.0.bn3", "layer1.0.downsample.1"], byName["layer1.0.add"].Inputs);
        Assert.Equal(["maxpool"], byName["layer1.0.downsample.0"].Inputs);
        Assert.Equal(["maxpool"], byName["layer1.0.conv1"].Inputs);
        Assert.Equal(["layer1.1.bn3", "layer1.0.relu"], byName["layer1.1.add"].Inputs);
        Assert.Equal(["layer1.1.add"], byName["layer1.1.relu"].Inputs);
        Assert.Equal("Add", byName["layer3.0.add"].Type);
        Assert.Equal(4 * 256, byName["layer1.0.bn3"].Parameters); // gamma, beta, moving mean, moving variance
        Assert.Equal(4 * 2, Layers.Count(layer => layer.OnShortcut));
        Assert.Equal(["AveragePooling2D", "Flatten", "Dense"], Layers.TakeLast(3).Select(layer => layer.Type));
    }

    [Fact]
    public void Global_average_pooling_is_one_keras_layer_with_a_flat_output()
    {
        var summary = ModelSummary.Create(new ResNetConfig(ResNetArchitecture.ResNet50, 6, ResNetVariant.Keras), 64);

        var layers = KerasLayers.From(summary);

        Assert.Equal(["GlobalAveragePooling2D", "Dense"], layers.TakeLast(2).Select(layer => layer.Type));
        Assert.Equal("(None, 2048)", KerasLayers.ShapeText(layers[^2]));
        Assert.Equal(23_600_006, summary.TotalParameters);
    }

    [Fact]
    public void Table_has_keras_columns_rows_and_totals()
    {
        using var writer = new StringWriter();

        KerasSummaryTable.Write(Signs, writer);

        var lines = writer.ToString().Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        var header = lines.Single(line => line.StartsWith("Layer (type)", StringComparison.Ordinal));
        Assert.True(header.IndexOf("Output Shape", StringComparison.Ordinal) < header.IndexOf("Param #", StringComparison.Ordinal));
        Assert.EndsWith("Connected to", header);
        var conv = lines.Single(line => line.StartsWith("conv1 (Conv2D)", StringComparison.Ordinal));
        Assert.Contains("(None, 32, 32, 64)", conv);
        Assert.Contains(" 9472 ", conv); // 7 x 7 x 3 x 64 weights + 64 biases
        Assert.EndsWith("pad[0][0]", conv);
        var add = lines.FindIndex(line => line.StartsWith("layer1.0.add (Add)", StringComparison.Ordinal));
        Assert.EndsWith("layer1.0.bn3[0][0]", lines[add]);
        Assert.Equal("layer1.0.downsample.1[0][0]", lines[add + 1].Trim());
        Assert.Contains("Total params: 23,600,006", lines);
        Assert.Contains("Trainable params: 23,546,886", lines);
        Assert.Contains("Non-trainable params: 53,120", lines);
    }

    [Fact]
    public void Layer_plot_draws_every_layer_and_every_residual_connection()
    {
        var picture = LayerPlot.Layout(Signs);
        var svg = XDocument.Parse(SvgPictureWriter.ToSvg(picture));

        var texts = svg.Descendants().Where(element => element.Name.LocalName == "text").Select(element => element.Value).ToList();
        foreach (var layer in Layers)
        {
            Assert.Contains($"{layer.Name}: {layer.Type}  {KerasLayers.ShapeText(layer)}", texts);
        }

        // One arrow per input: the chain, plus the 16 adds' second inputs (4 through a projection, 12 identities).
        Assert.Equal(Layers.Sum(layer => layer.Inputs.Count), picture.Shapes.OfType<PictureLine>().Count());
        Assert.Equal(Layers.Count - 1 + 16, Layers.Sum(layer => layer.Inputs.Count));
        var lines = picture.Shapes.OfType<PictureLine>().ToList();
        Assert.Equal(16 + 4, lines.Count(line => line.Points.Count > 2)); // identity bypasses and adds reached from a shortcut, and 4 shortcut starts
    }
}
