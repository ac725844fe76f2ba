using Microsoft.ML.OnnxRuntime;
using ResNetService.Onnx.ResNet;
using ResNetService.Topology;
using ResNetService.Trainer.Model;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Export;

/// <summary>How far ONNX Runtime's values of one graph output are from TorchSharp's on one random batch.</summary>
/// <param name="MaxAbsDifference">max |onnx - torch| over every value of the output.</param>
/// <param name="MaxAbsValue">max |torch value|: the scale the difference is judged against.</param>
/// <param name="Output">The graph output compared: <c>logits</c>, <c>embedding</c> or <c>feature_map</c>.</param>
public sealed record ParityResult(double MaxAbsDifference, double MaxAbsValue, string Output = ResNetOnnxExporter.OutputName)
{
    /// <summary>The largest difference allowed: <see cref="ParityCheck.RelativeTolerance"/> x max(1, max|value|).</summary>
    public double Tolerance => ParityCheck.RelativeTolerance * Math.Max(1, MaxAbsValue);

    public bool Passed => MaxAbsDifference <= Tolerance;

    public override string ToString() =>
        $"{Output}: max |onnx - torch| = {MaxAbsDifference:G3}, max |value| = {MaxAbsValue:G3}, tolerance {Tolerance:G3}: {(Passed ? "passed" : "FAILED")}";
}

/// <summary>
/// Proves an exported file computes what the network computes: both run the same random batch, TorchSharp in
/// eval mode (batch norm uses its running statistics, as ONNX does) and ONNX Runtime on the CPU, and every graph output
/// is compared with its TorchSharp counterpart (logits from the forward pass; embedding and feature_map from
/// <see cref="ResNet.Features"/>). The rule, per output: passed when max|onnx - torch| &lt;= 1e-4 x max(1, max|torch
/// value|), i.e. an absolute 1e-4 for small values and a relative 1e-4 for large ones (float32 sums over thousands of
/// terms in a different order).
/// </summary>
public static class ParityCheck
{
    public const double RelativeTolerance = 1e-4;

    /// <summary>The logits' result; see <see cref="RunAll(ResNet, byte[], int, int, int)"/>.</summary>
    public static ParityResult Run(ResNet model, byte[] onnxModel, int imageSize, int batchSize = 2, int seed = 1) =>
        RunAll(model, onnxModel, imageSize, batchSize, seed).Single(result => result.Output == ResNetOnnxExporter.OutputName);

    /// <summary>One result per graph output of <paramref name="onnxModel"/>, in the file's order.</summary>
    /// <param name="onnxModel">The bytes of an .onnx file exported from <paramref name="model"/>.</param>
    public static IReadOnlyList<ParityResult> RunAll(ResNet model, byte[] onnxModel, int imageSize, int batchSize = 2, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(imageSize, ResNetArchitecture.MinimumImageSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        long[] shape = [batchSize, model.Config.InputChannels, imageSize, imageSize];

        using var scope = NewDisposeScope();
        var input = randn(shape, generator: new Generator((ulong)seed));
        var actual = OnnxOutputs(onnxModel, input.data<float>().ToArray(), shape);
        var expected = TorchOutputs(model, input, actual.Select(output => output.Name));
        return [.. actual.Zip(expected, (onnx, torch) => Compare(onnx.Name, torch, onnx.Values))];
    }

    public static ParityResult Run(ResNet model, string onnxPath, int imageSize, int batchSize = 2, int seed = 1) =>
        Run(model, File.ReadAllBytes(onnxPath), imageSize, batchSize, seed);

    public static IReadOnlyList<ParityResult> RunAll(ResNet model, string onnxPath, int imageSize, int batchSize = 2, int seed = 1) =>
        RunAll(model, File.ReadAllBytes(onnxPath), imageSize, batchSize, seed);

    private static ParityResult Compare(string output, float[] expected, float[] actual)
    {
        if (actual.Length != expected.Length)
        {
            throw new InvalidOperationException($"ONNX Runtime returned {actual.Length} values of {output}; TorchSharp {expected.Length}.");
        }

        var difference = expected.Zip(actual, (torch, onnx) => Math.Abs((double)torch - onnx)).Max();
        return new ParityResult(difference, expected.Max(value => Math.Abs((double)value)), output);
    }

    /// <summary>TorchSharp's counterpart of each named graph output, as flat C-order arrays.</summary>
    private static List<float[]> TorchOutputs(ResNet model, Tensor input, IEnumerable<string> outputs)
    {
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            var logits = model.call(input);
            var features = new Lazy<ResNetFeatures>(() => model.Features(input));
            return [.. outputs.Select(name => name switch
            {
                ResNetOnnxExporter.OutputName => logits,
                ResNetOnnxExporter.EmbeddingName => features.Value.Embedding,
                ResNetOnnxExporter.FeatureMapName => features.Value.C5,
                _ => throw new InvalidOperationException($"The file declares an output '{name}' that the network has no counterpart for."),
            }).Select(tensor => tensor.contiguous().data<float>().ToArray())];
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    private static List<(string Name, float[] Values)> OnnxOutputs(byte[] onnxModel, float[] input, long[] shape)
    {
        using var session = new InferenceSession(onnxModel);
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var options = new RunOptions();
        using var results = session.Run(options, [session.InputNames[0]], [value], session.OutputNames);
        return [.. session.OutputNames.Zip(results, (name, result) => (name, result.GetTensorDataAsSpan<float>().ToArray()))];
    }
}
