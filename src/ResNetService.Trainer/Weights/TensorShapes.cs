namespace ResNetService.Trainer.Weights;

/// <summary>Checks on tensor shapes read from a file, so that hostile sizes fail as problems rather than overflow.</summary>
internal static class TensorShapes
{
    /// <summary>More dimensions than any real tensor has; a bound for hostile files.</summary>
    public const int MostDimensions = 32;

    /// <summary>The number of elements, at most <see cref="Array.MaxLength"/> since they become one float array.</summary>
    public static int ElementCount(long[] shape, string tensor)
    {
        if (shape.Length > MostDimensions)
        {
            throw new WeightFileProblem($"has a tensor {WeightFileProblem.Quote(tensor)} with {shape.Length} dimensions, more than {MostDimensions}");
        }

        if (shape.Any(size => size < 0))
        {
            throw new WeightFileProblem($"has a tensor {WeightFileProblem.Quote(tensor)} with a negative size in its shape [{string.Join(", ", shape)}]");
        }

        if (shape.Contains(0))
        {
            return 0;
        }

        long count = 1;
        foreach (var size in shape)
        {
            if (count > Array.MaxLength / size)
            {
                throw new WeightFileProblem($"has a tensor {WeightFileProblem.Quote(tensor)} of shape [{string.Join(", ", shape)}], too many elements to hold");
            }

            count *= size;
        }

        return (int)count;
    }
}
