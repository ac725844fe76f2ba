using Microsoft.ML.OnnxRuntime;
using ResNetService.Topology;
using ResNetService.Trainer.Model;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Export;

/// <summary>How far ONNX Runtime's logits are from TorchSharp's on one random batch.</summary>
/// <param name="MaxAbsDifference">max |onnx - torch| over every logit of the batch.</param>
/// <param name="MaxAbsLogit">max |torch logit|: the scale the difference is judged against.</param>
public sealed record ParityResult(double MaxAbsDifference, double MaxAbsLogit)
{
    /// <summary>The largest difference allowed: <see cref="ParityCheck.RelativeTolerance"/> x max(1, max|logit|).</summary>
    public double Tolerance => ParityCheck.RelativeTolerance * Math.Max(1, MaxAbsLogit);

    public bool Passed => MaxAbsDifference <= Tolerance;

    public override string ToString() =>
        $"max |onnx - torch| = {MaxAbsDifference:G3}, max |logit| = {MaxAbsLogit:G3}, tolerance {Tolerance:G3}: {(Passed ? "passed" : "FAILED")}";
}

/// <summary>
/// Proves an exported file computes what the network computes: both run the same random batch, TorchSharp in
/// eval mode (batch norm uses its running statistics, as ONNX does) and ONNX Runtime on the CPU.
/// The rule: passed when max|onnx - torch| &lt;= 1e-4 x max(1, max|torch logit|), i.e. an absolute 1e-4 for small
/// logits and a relative 1e-4 for large ones (float32 sums over thousands of terms in a different order).
/// </summary>
public static class ParityCheck
{
    public const double RelativeTolerance = 1e-4;

    /// <param name="onnxModel">The bytes of an .onnx file exported from <paramref name="model"/>.</param>
    public static ParityResult Run(ResNet model, byte[] onnxModel, int imageSize, int batchSize = 2, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(imageSize, ResNetArchitecture.MinimumImageSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        long[] shape = [batchSize, model.Config.InputChannels, imageSize, imageSize];

        using var scope = NewDisposeScope();
        var input = randn(shape, generator: new Generator((ulong)seed));
        var expected = TorchLogits(model, input);
        var actual = OnnxLogits(onnxModel, input.data<float>().ToArray(), shape);
        if (actual.Length != expected.Length)
        {
            throw new InvalidOperationException($"ONNX Runtime returned {actual.Length} logits; TorchSharp {expected.Length}.");
        }

        var difference = expected.Zip(actual, (torch, onnx) => Math.Abs((double)torch - onnx)).Max();
        return new ParityResult(difference, expected.Max(logit => Math.Abs((double)logit)));
    }

    public static ParityResult Run(ResNet model, string onnxPath, int imageSize, int batchSize = 2, int seed = 1) =>
        Run(model, File.ReadAllBytes(onnxPath), imageSize, batchSize, seed);

    private static float[] TorchLogits(ResNet model, Tensor input)
    {
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            return model.call(input).contiguous().data<float>().ToArray();
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    private static float[] OnnxLogits(byte[] onnxModel, float[] input, long[] shape)
    {
        using var session = new InferenceSession(onnxModel);
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var options = new RunOptions();
        using var results = session.Run(options, [session.InputNames[0]], [value], [session.OutputNames[0]]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
