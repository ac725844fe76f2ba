using ResNetService.Onnx.ResNet;
using ResNetService.Trainer.Model;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Export;

/// <summary>Copies a network's weights out of libtorch, keyed by their torchvision names.</summary>
public static class StateDict
{
    /// <summary>
    /// Every float tensor of <c>state_dict()</c> (parameters and batch norm running statistics) as plain arrays.
    /// Batch norm's <c>num_batches_tracked</c> counters are left out: they only matter for training.
    /// </summary>
    public static IReadOnlyDictionary<string, NamedTensor> ToNamedTensors(ResNet model)
    {
        var tensors = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        using var noGrad = no_grad();
        foreach (var (name, tensor) in model.state_dict())
        {
            if (!tensor.is_floating_point())
            {
                continue;
            }

            using var values = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous();
            tensors[name] = new NamedTensor(name, values.shape, values.data<float>().ToArray());
        }

        return tensors;
    }
}
