using System.Numerics.Tensors;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ResNetService.Onnx.Protos;
using ResNetService.Onnx.ResNet;
using ResNetService.TestSupport;
using ResNetService.Topology;

namespace ResNetService.Quantization.Tests;

/// <summary>Random-weight ResNets quantized with min/max ranges measured here, run and optimized by ONNX Runtime.</summary>
public sealed class QdqRewriterTests
{
    private const int Size = 32;
    private static readonly ResNetConfig Config = new(ResNetArchitecture.ResNet18, 10);

    [Fact]
    public void Folding_the_batch_norms_into_the_convolutions_leaves_what_the_graph_computes()
    {
        var model = RandomResNetModel.Create(Config, imageSize: Size, seed: 3);

        var prepared = FloatGraphPreparation.Prepare(model);

        Assert.DoesNotContain(prepared.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.Contains(model.Graph.Node, n => n.OpType == "BatchNormalization");
        var input = NoiseTensors.Batch(2, 3, Size, seed: 1);
        var (expected, actual) = (Run(model, input)["logits"], Run(prepared, input)["logits"]);
        Assert.True(MaxAbsDifference(expected, actual) < 1e-4 * MaxAbs(expected), $"difference {MaxAbsDifference(expected, actual)}");
    }

    [Fact]
    public void Every_convolution_runs_as_int8_and_the_logits_stay_close_to_fp32()
    {
        var model = RandomResNetModel.Create(Config, imageSize: Size, seed: 3);
        var (quantized, prepared) = Quantize(model);
        var convolutions = prepared.Graph.Node.Count(n => n.OpType == "Conv");

        var fusion = FusionReport.Of(quantized);

        Assert.Equal(convolutions, fusion.Int8Convolutions);
        Assert.Equal(0, fusion.FloatConvolutions);
        Assert.True(fusion.Int8Additions > 0, fusion.ToString());
        Assert.Equal(1, fusion.Int8Gemms);
        var input = NoiseTensors.Batch(4, 3, Size, seed: 9);
        var (fp32, int8) = (Run(model, input)["logits"], Run(quantized, input)["logits"]);
        Assert.True(TensorPrimitives.CosineSimilarity(fp32, int8) > 0.98, $"cosine {TensorPrimitives.CosineSimilarity(fp32, int8)}");
    }

    [Fact]
    public void The_int8_file_holds_each_weight_once_in_a_quarter_of_the_space()
    {
        var model = RandomResNetModel.Create(Config, imageSize: Size, seed: 3);
        var (quantized, _) = Quantize(model);

        var read = quantized.Graph.Node.SelectMany(n => n.Input).ToHashSet();
        Assert.All(quantized.Graph.Initializer, t => Assert.Contains(t.Name, read));
        Assert.DoesNotContain(quantized.Graph.Initializer, t => t.Name.EndsWith(".weight", StringComparison.Ordinal));
        var ratio = (double)quantized.CalculateSize() / model.CalculateSize();
        Assert.InRange(ratio, 0.2, 0.3);
    }

    [Fact]
    public void Extra_outputs_keep_their_names_and_come_out_as_fp32_from_a_dequantize()
    {
        var model = RandomResNetModel.Create(Config, imageSize: Size, seed: 3, extraOutputs: ExtraOutputs.Embedding | ExtraOutputs.FeatureMap);
        var (quantized, _) = Quantize(model);

        Assert.Equal(["logits", "embedding", "feature_map"], quantized.Graph.Output.Select(o => o.Name));
        foreach (var name in new[] { "embedding", "feature_map" })
        {
            Assert.Equal("DequantizeLinear", quantized.Graph.Node.Single(n => n.Output.Contains(name)).OpType);
        }

        var input = NoiseTensors.Batch(2, 3, Size, seed: 5);
        var (fp32, int8) = (Run(model, input), Run(quantized, input));
        Assert.True(TensorPrimitives.CosineSimilarity(fp32["embedding"], int8["embedding"]) > 0.98);
        Assert.True(TensorPrimitives.CosineSimilarity(fp32["feature_map"], int8["feature_map"]) > 0.98);
    }

    [Theory]
    [InlineData(false, 127)]
    [InlineData(true, 63)]
    public void Weights_use_the_full_int8_range_or_seven_bits_when_reduced(bool reduceRange, int levels)
    {
        var prepared = FloatGraphPreparation.Prepare(RandomResNetModel.Create(Config, imageSize: Size, seed: 3));
        var ranges = QdqRewriter.CalibrationTensors(prepared).ToDictionary(t => t, _ => new TensorRange(-4, 4));

        var quantized = QdqRewriter.Rewrite(prepared, ranges, reduceRange);

        var weights = quantized.Graph.Initializer.Where(t => t.Name.EndsWith(".weight/quantized", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(weights);
        // Each output channel's (or the classifier's) largest weight lands on the outermost level.
        Assert.All(weights, w => Assert.Equal(levels, w.RawData.Max(b => Math.Abs((int)(sbyte)b))));
    }

    [Fact]
    public void A_model_below_opset_13_is_refused_with_the_reason()
    {
        var model = FloatGraphPreparation.Prepare(RandomResNetModel.Create(Config, imageSize: Size));
        model.OpsetImport.Single(o => o.Domain == "").Version = 11;

        var error = Assert.Throws<NotSupportedException>(() => QdqRewriter.Rewrite(model, new Dictionary<string, TensorRange>()));

        Assert.Contains("opset 11", error.Message);
    }

    /// <summary>Min/max calibration on a few pseudo-images, and the prepared fp32 graph it started from.</summary>
    internal static (ModelProto Quantized, ModelProto Prepared) Quantize(ModelProto model) =>
        (Int8Models.Quantize(model, Size), FloatGraphPreparation.Prepare(model));

    private static Dictionary<string, float[]> Run(ModelProto model, float[] input)
    {
        using var session = new InferenceSession(model.ToByteArray());
        var batch = input.Length / (3 * Size * Size);
        var tensor = new DenseTensor<float>(input, [batch, 3, Size, Size]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputNames[0], tensor)]);
        return results.ToDictionary(r => r.Name, r => r.AsEnumerable<float>().ToArray());
    }

    private static float MaxAbs(float[] values) => values.Max(Math.Abs);

    private static float MaxAbsDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
}
