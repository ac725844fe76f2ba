using ResNetService.Onnx.ResNet;
using ResNetService.Topology;

namespace ResNetService.Onnx.Tests;

/// <summary>
/// A plain, slow forward pass of torchvision's ResNet in inference mode, written from resnet.py with direct
/// loops in double precision. It shares nothing with the exporter but the weights, so agreement with ONNX
/// Runtime's output checks the exported wiring (strides, paddings, shortcuts, batch norm inputs, the head). The keras
/// variant follows the Keras tutorial's code instead: ZeroPadding2D(3) and a valid 7x7/2 convolution, an unpadded max
/// pool, biases on every convolution, batch norm epsilon 1e-3, and optionally its 2x2 average pool head.
/// </summary>
internal static class ReferenceResNet
{
    private sealed record Feature(int Channels, int Height, int Width, double[] Data)
    {
        public static Feature Zeros(int channels, int height, int width) => new(channels, height, width, new double[channels * height * width]);

        public ref double At(int c, int y, int x) => ref Data[(c * Height + y) * Width + x];
    }

    /// <summary>Logits for one image laid out [channels, height, width].</summary>
    public static double[] Forward(ResNetConfig config, IReadOnlyDictionary<string, NamedTensor> w, float[] image, int size)
    {
        var keras = config.Variant == ResNetVariant.Keras;
        var epsilon = keras ? 1e-3 : 1e-5;
        var x = new Feature(config.InputChannels, size, size, image.Select(v => (double)v).ToArray());
        x = keras
            ? Relu(BatchNorm(Conv(ZeroPad(x, 3), w, "conv1", stride: 2, padding: 0), w, "bn1", epsilon))
            : Relu(BatchNorm(Conv(x, w, "conv1", stride: 2, padding: 3), w, "bn1", epsilon));
        x = MaxPool3x3Stride2(x, padding: keras ? 0 : 1);

        var bottleneck = config.Architecture.Block == BlockKind.Bottleneck;
        var expansion = bottleneck ? 4 : 1;
        int[] widths = [64, 128, 256, 512];
        var inChannels = 64;
        for (var stage = 0; stage < 4; stage++)
        {
            for (var index = 0; index < config.Architecture.BlocksPerStage[stage]; index++)
            {
                var stride = stage > 0 && index == 0 ? 2 : 1;
                var prefix = $"layer{stage + 1}.{index}";
                var main = bottleneck
                    ? BottleneckPath(x, w, prefix, stride, config.Variant, epsilon)
                    : BasicPath(x, w, prefix, stride);
                var shortcut = stride != 1 || inChannels != widths[stage] * expansion
                    ? BatchNorm(Conv(x, w, $"{prefix}.downsample.0", stride, padding: 0), w, $"{prefix}.downsample.1", epsilon)
                    : x;
                x = Relu(Add(main, shortcut));
                inChannels = widths[stage] * expansion;
            }
        }

        var pooled = config.Head == ResNetHead.AveragePool2 ? AveragePool2x2(x).Data : new double[x.Channels];
        for (var c = 0; c < x.Channels && config.Head == ResNetHead.GlobalAveragePool; c++)
        {
            for (var i = 0; i < x.Height * x.Width; i++)
            {
                pooled[c] += x.Data[c * x.Height * x.Width + i];
            }

            pooled[c] /= x.Height * x.Width;
        }

        var fcWeight = w["fc.weight"].Data;
        var fcBias = w["fc.bias"].Data;
        var logits = new double[config.NumClasses];
        for (var k = 0; k < logits.Length; k++)
        {
            logits[k] = fcBias[k];
            for (var c = 0; c < pooled.Length; c++)
            {
                logits[k] += fcWeight[k * pooled.Length + c] * pooled[c];
            }
        }

        return logits;
    }

    private static Feature BasicPath(Feature x, IReadOnlyDictionary<string, NamedTensor> w, string p, int stride)
    {
        var y = Relu(BatchNorm(Conv(x, w, $"{p}.conv1", stride, padding: 1), w, $"{p}.bn1", 1e-5));
        return BatchNorm(Conv(y, w, $"{p}.conv2", stride: 1, padding: 1), w, $"{p}.bn2", 1e-5);
    }

    private static Feature BottleneckPath(
        Feature x, IReadOnlyDictionary<string, NamedTensor> w, string p, int stride, ResNetVariant variant, double epsilon)
    {
        var first = variant == ResNetVariant.V1_5 ? 1 : stride;
        var middle = variant == ResNetVariant.V1_5 ? stride : 1;
        var y = Relu(BatchNorm(Conv(x, w, $"{p}.conv1", first, padding: 0), w, $"{p}.bn1", epsilon));
        y = Relu(BatchNorm(Conv(y, w, $"{p}.conv2", middle, padding: 1), w, $"{p}.bn2", epsilon));
        return BatchNorm(Conv(y, w, $"{p}.conv3", stride: 1, padding: 0), w, $"{p}.bn3", epsilon);
    }

    private static Feature ZeroPad(Feature x, int padding)
    {
        var y = Feature.Zeros(x.Channels, x.Height + 2 * padding, x.Width + 2 * padding);
        for (var c = 0; c < x.Channels; c++)
        {
            for (var iy = 0; iy < x.Height; iy++)
            {
                for (var ix = 0; ix < x.Width; ix++)
                {
                    y.At(c, iy + padding, ix + padding) = x.At(c, iy, ix);
                }
            }
        }

        return y;
    }

    /// <summary>2x2 windows with stride 2, no padding; its data is then read channel by channel, as Flatten does on NCHW.</summary>
    private static Feature AveragePool2x2(Feature x)
    {
        var y = Feature.Zeros(x.Channels, x.Height / 2, x.Width / 2);
        for (var c = 0; c < x.Channels; c++)
        {
            for (var oy = 0; oy < y.Height; oy++)
            {
                for (var ox = 0; ox < y.Width; ox++)
                {
                    y.At(c, oy, ox) = (x.At(c, 2 * oy, 2 * ox) + x.At(c, 2 * oy, 2 * ox + 1) + x.At(c, 2 * oy + 1, 2 * ox) + x.At(c, 2 * oy + 1, 2 * ox + 1)) / 4;
                }
            }
        }

        return y;
    }

    /// <summary>The convolution <paramref name="name"/>, with its bias when the weights hold one.</summary>
    private static Feature Conv(Feature x, IReadOnlyDictionary<string, NamedTensor> w, string name, int stride, int padding)
    {
        var y = Conv(x, w[$"{name}.weight"], stride, padding);
        if (w.TryGetValue($"{name}.bias", out var bias))
        {
            var plane = y.Height * y.Width;
            for (var i = 0; i < y.Data.Length; i++)
            {
                y.Data[i] += bias.Data[i / plane];
            }
        }

        return y;
    }

    private static Feature Conv(Feature x, NamedTensor weight, int stride, int padding)
    {
        var outChannels = (int)weight.Shape[0];
        var inChannels = (int)weight.Shape[1];
        var kernel = (int)weight.Shape[2];
        if (inChannels != x.Channels)
        {
            throw new InvalidOperationException($"{weight.Name} expects {inChannels} channels, got {x.Channels}.");
        }

        var height = (x.Height + 2 * padding - kernel) / stride + 1;
        var width = (x.Width + 2 * padding - kernel) / stride + 1;
        var y = Feature.Zeros(outChannels, height, width);
        for (var o = 0; o < outChannels; o++)
        {
            for (var oy = 0; oy < height; oy++)
            {
                for (var ox = 0; ox < width; ox++)
                {
                    double sum = 0;
                    for (var i = 0; i < inChannels; i++)
                    {
                        for (var ky = 0; ky < kernel; ky++)
                        {
                            var iy = oy * stride - padding + ky;
                            if (iy < 0 || iy >= x.Height)
                            {
                                continue;
                            }

                            for (var kx = 0; kx < kernel; kx++)
                            {
                                var ix = ox * stride - padding + kx;
                                if (ix >= 0 && ix < x.Width)
                                {
                                    sum += weight.Data[((o * inChannels + i) * kernel + ky) * kernel + kx] * x.At(i, iy, ix);
                                }
                            }
                        }
                    }

                    y.At(o, oy, ox) = sum;
                }
            }
        }

        return y;
    }

    private static Feature BatchNorm(Feature x, IReadOnlyDictionary<string, NamedTensor> w, string name, double epsilon)
    {
        var gamma = w[$"{name}.weight"].Data;
        var beta = w[$"{name}.bias"].Data;
        var mean = w[$"{name}.running_mean"].Data;
        var variance = w[$"{name}.running_var"].Data;
        var y = Feature.Zeros(x.Channels, x.Height, x.Width);
        var plane = x.Height * x.Width;
        for (var c = 0; c < x.Channels; c++)
        {
            var scale = gamma[c] / Math.Sqrt(variance[c] + epsilon);
            for (var i = 0; i < plane; i++)
            {
                y.Data[c * plane + i] = (x.Data[c * plane + i] - mean[c]) * scale + beta[c];
            }
        }

        return y;
    }

    private static Feature MaxPool3x3Stride2(Feature x, int padding)
    {
        var height = (x.Height + 2 * padding - 3) / 2 + 1;
        var width = (x.Width + 2 * padding - 3) / 2 + 1;
        var y = Feature.Zeros(x.Channels, height, width);
        for (var c = 0; c < x.Channels; c++)
        {
            for (var oy = 0; oy < height; oy++)
            {
                for (var ox = 0; ox < width; ox++)
                {
                    var best = double.NegativeInfinity;
                    for (var iy = oy * 2 - padding; iy <= oy * 2 - padding + 2; iy++)
                    {
                        for (var ix = ox * 2 - padding; ix <= ox * 2 - padding + 2; ix++)
                        {
                            if (iy >= 0 && iy < x.Height && ix >= 0 && ix < x.Width)
                            {
                                best = Math.Max(best, x.At(c, iy, ix));
                            }
                        }
                    }

                    y.At(c, oy, ox) = best;
                }
            }
        }

        return y;
    }

    private static Feature Relu(Feature x) => x with { Data = x.Data.Select(v => Math.Max(v, 0)).ToArray() };

    private static Feature Add(Feature a, Feature b)
    {
        if (a.Channels != b.Channels || a.Height != b.Height || a.Width != b.Width)
        {
            throw new InvalidOperationException($"Cannot add [{a.Channels},{a.Height},{a.Width}] and [{b.Channels},{b.Height},{b.Width}].");
        }

        return a with { Data = a.Data.Zip(b.Data, (u, v) => u + v).ToArray() };
    }
}
