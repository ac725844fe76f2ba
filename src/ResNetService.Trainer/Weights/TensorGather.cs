namespace ResNetService.Trainer.Weights;

/// <summary>Copies a strided view out of its storage into row-major float32, as <c>tensor.contiguous()</c> would.</summary>
internal static class TensorGather
{
    /// <summary>
    /// How many leading elements of its storage the view reaches: <c>offset + sum((size[d] - 1) * stride[d]) + 1</c>.
    /// Checked, so that a hostile size, stride or offset fails as a problem instead of overflowing.
    /// </summary>
    public static long ElementsReached(PickledTensor tensor, string name)
    {
        var count = TensorShapes.ElementCount(tensor.Size, name);
        if (tensor.Offset < 0 || tensor.Stride.Any(stride => stride < 0))
        {
            throw new WeightFileProblem($"has a tensor {WeightFileProblem.Quote(name)} with a negative storage offset or stride");
        }

        if (count == 0)
        {
            return 0;
        }

        try
        {
            var last = tensor.Offset;
            for (var d = 0; d < tensor.Size.Length; d++)
            {
                last = checked(last + (tensor.Size[d] - 1) * tensor.Stride[d]);
            }

            return checked(last + 1);
        }
        catch (OverflowException)
        {
            throw new WeightFileProblem($"has a tensor {WeightFileProblem.Quote(name)} whose offset and strides reach past any storage");
        }
    }

    /// <summary>The view's elements in row-major order; <paramref name="storage"/> holds at least the elements it reaches.</summary>
    public static float[] Gather(PickledTensor tensor, ReadOnlySpan<byte> storage, string name)
    {
        var values = new float[TensorShapes.ElementCount(tensor.Size, name)];
        var type = tensor.Storage.Type;
        if (values.Length == 0)
        {
            return values;
        }

        if (IsContiguous(tensor))
        {
            type.Widen(storage[(int)(tensor.Offset * type.Size())..], values);
            return values;
        }

        // Walk the indices like an odometer, the last dimension fastest, moving the storage position by its stride.
        var index = new long[tensor.Size.Length];
        var position = tensor.Offset;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = type.Read(storage, (int)position);
            for (var d = index.Length - 1; d >= 0; d--)
            {
                index[d]++;
                position += tensor.Stride[d];
                if (index[d] < tensor.Size[d])
                {
                    break;
                }

                position -= index[d] * tensor.Stride[d];
                index[d] = 0;
            }
        }

        return values;
    }

    /// <summary>True when the strides are row-major ones, ignoring dimensions of size 1, whose stride never matters.</summary>
    private static bool IsContiguous(PickledTensor tensor)
    {
        long expected = 1;
        for (var d = tensor.Size.Length - 1; d >= 0; d--)
        {
            if (tensor.Size[d] != 1 && tensor.Stride[d] != expected)
            {
                return false;
            }

            expected *= tensor.Size[d];
        }

        return true;
    }
}
