using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Model;

/// <summary>
/// A strided 1x1 convolution, computed as x[.., .., ::stride, ::stride] followed by a stride-1 1x1 convolution.
/// A 1x1 kernel reads exactly the pixels the stride lands on, so both are equal; this form keeps oneDNN away from
/// the strided-1x1 backward that raises SIGFPE on VMs without CPU cache topology.
/// Its parameters are named "weight" with shape [out, in, 1, 1] and, when it has one, "bias" [out], like the
/// Conv2d it stands for.
/// </summary>
public sealed class SubsamplingConv1x1 : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    public SubsamplingConv1x1(long inChannels, long outChannels, long stride, bool hasBias = false) : base(nameof(SubsamplingConv1x1))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        Stride = stride;
        weight = new Parameter(empty(outChannels, inChannels, 1, 1));
        nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5)); // Conv2d's default; ResNet re-initialises it anyway.
        if (hasBias)
        {
            // Conv2d's default bias, uniform within 1/sqrt(fan-in); drawn only when there is a bias, so a network
            // without biases draws the same numbers as before.
            var bound = 1 / Math.Sqrt(inChannels);
            bias = new Parameter(empty(outChannels));
            nn.init.uniform_(bias, -bound, bound);
        }

        RegisterComponents();
    }

    public long Stride { get; }

    public Parameter Weight => weight;

    public Parameter? Bias => bias;

    public override Tensor forward(Tensor input)
    {
        using var subsampled = input[TensorIndex.Colon, TensorIndex.Colon,
            TensorIndex.Slice(null, null, Stride), TensorIndex.Slice(null, null, Stride)];
        return nn.functional.conv2d(subsampled, weight, bias);
    }
}
