using static TorchSharp.torch;

namespace ResNetService.Trainer.Training;

/// <summary>Subtracts the per-channel mean and divides by the std on a [B, 3, H, W] batch, in place.</summary>
public sealed class Normalizer(float[] mean, float[] std) : IDisposable
{
    private readonly Tensor _meanTensor = tensor(mean, [1, 3, 1, 1]);
    private readonly Tensor _stdTensor = tensor(std, [1, 3, 1, 1]);

    public Tensor Apply(Tensor batch) => batch.sub_(_meanTensor).div_(_stdTensor);

    public void Dispose()
    {
        _meanTensor.Dispose();
        _stdTensor.Dispose();
    }
}
