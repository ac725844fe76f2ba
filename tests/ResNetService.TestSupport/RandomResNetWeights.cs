using ResNetService.Onnx.ResNet;
using ResNetService.Topology;

namespace ResNetService.TestSupport;

/// <summary>
/// Deterministic random weights for tests and demos: the same config and seed always give the same numbers.
/// The scale keeps activations in a sensible range even through ResNet-152: convolutions are He-normal over
/// their fan-in (so a ReLU layer keeps its input's variance), the batch norm that ends a block's main path has
/// a small scale (so each residual sum grows the signal only a little), and the running statistics look like
/// trained ones (variance well above zero, mean near zero).
/// </summary>
public static class RandomResNetWeights
{
    public static IReadOnlyDictionary<string, NamedTensor> Create(ResNetConfig config, int seed)
    {
        var random = new Random(seed);
        var network = ResNetTopology.Describe(config);
        var lastBatchNorms = network.Blocks.Select(block => $"{block.Name}.{block.LastNorm.Name}.").ToList();
        var features = network.Head.OfType<Linear>().Single().InFeatures;
        var weights = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var spec in ResNetParameters.Enumerate(network))
        {
            var data = new float[spec.ElementCount];
            var name = spec.Name;
            if (spec.Shape.Length == 4)
            {
                var fanIn = spec.Shape[1] * spec.Shape[2] * spec.Shape[3];
                FillNormal(random, data, standardDeviation: Math.Sqrt(2.0 / fanIn));
            }
            else if (name.StartsWith("fc.", StringComparison.Ordinal))
            {
                // PyTorch's Linear default: uniform within 1/sqrt(features).
                var bound = 1.0 / Math.Sqrt(features);
                FillUniform(random, data, -bound, bound);
            }
            else if (name.EndsWith(".running_var", StringComparison.Ordinal))
            {
                FillUniform(random, data, 0.5, 1.5);
            }
            else if (name.EndsWith(".running_mean", StringComparison.Ordinal))
            {
                FillNormal(random, data, standardDeviation: 0.1);
            }
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                FillNormal(random, data, standardDeviation: 0.05);
            }
            else if (lastBatchNorms.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
            {
                FillUniform(random, data, 0.1, 0.3);
            }
            else
            {
                FillUniform(random, data, 0.5, 1.0);
            }

            weights[name] = new NamedTensor(name, (long[])spec.Shape.Clone(), data);
        }

        return weights;
    }

    private static void FillUniform(Random random, float[] data, double low, double high)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)(low + (high - low) * random.NextDouble());
        }
    }

    /// <summary>Box-Muller: two uniform numbers give two independent standard normal ones.</summary>
    private static void FillNormal(Random random, float[] data, double standardDeviation)
    {
        for (var i = 0; i < data.Length; i += 2)
        {
            var radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * standardDeviation;
            var angle = 2.0 * Math.PI * random.NextDouble();
            data[i] = (float)(radius * Math.Cos(angle));
            if (i + 1 < data.Length)
            {
                data[i + 1] = (float)(radius * Math.Sin(angle));
            }
        }
    }
}
