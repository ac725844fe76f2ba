namespace ResNetService.Inference.Batching;

/// <summary>What the batcher needs of a model: fixed-length float rows in, fixed-length float rows out.</summary>
public interface IBatchModel
{
    /// <summary>Floats in one input row (3 x size x size).</summary>
    int InputLength { get; }

    /// <summary>Floats in one output row (the class count).</summary>
    int OutputLength { get; }

    /// <summary>
    /// Runs <paramref name="rows"/> rows stored back to back in <paramref name="input"/> and writes their outputs back
    /// to back into <paramref name="output"/>. Called by one thread at a time.
    /// </summary>
    void Run(Memory<float> input, int rows, Span<float> output);
}
