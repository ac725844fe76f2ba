using ResNetService.Onnx.ResNet;

namespace ResNetService.Inference.Batching;

/// <summary>What the batcher needs of a session: fixed-length float rows in, fixed-length float rows out.</summary>
public interface IBatchSession
{
    /// <summary>Floats in one input row (3 x size x size).</summary>
    int InputLength { get; }

    /// <summary>Floats in one output row (the class count).</summary>
    int OutputLength { get; }

    /// <summary>Floats per row of one extra output (<see cref="ExtraOutputs.Embedding"/> or <see cref="ExtraOutputs.FeatureMap"/>); 0 when the model has none.</summary>
    int ExtraOutputLength(ExtraOutputs output) => 0;

    /// <summary>
    /// Runs <paramref name="rows"/> rows stored back to back in <paramref name="input"/> and writes their outputs back
    /// to back into <paramref name="output"/>. Called by one thread at a time.
    /// </summary>
    void Run(Memory<float> input, int rows, Span<float> output);

    /// <summary>
    /// The same run, also fetching the <paramref name="extras"/> into their spans (rows back to back, each of
    /// <see cref="ExtraOutputLength"/> floats; a span not asked for is left alone).
    /// </summary>
    void Run(Memory<float> input, int rows, Span<float> output, ExtraOutputs extras, Span<float> embedding, Span<float> featureMap)
    {
        if (extras != ExtraOutputs.None)
        {
            throw new NotSupportedException($"This model gives no {extras} output.");
        }

        Run(input, rows, output);
    }
}
