namespace ResNetService.Api.V2;

/// <summary>Tensor shapes: their element count and how messages show them.</summary>
public static class V2Shapes
{
    public static string Format(IReadOnlyList<long> shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>The product of the dimensions, or null when it exceeds <paramref name="limit"/>.</summary>
    public static long? ElementCount(IReadOnlyList<long> shape, long limit)
    {
        long count = 1;
        foreach (var dimension in shape)
        {
            if (dimension != 0 && count > limit / dimension)
            {
                return null;
            }

            count *= dimension;
        }

        return count;
    }
}
