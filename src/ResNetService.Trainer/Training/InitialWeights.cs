using ResNetService.Onnx.Graph;
using ResNetService.Trainer.Model;
using static TorchSharp.torch;

namespace ResNetService.Trainer.Training;

/// <summary>
/// Starts a network from the weights of an exported ONNX file (ours, or any ResNet whose initializers carry
/// torchvision's state_dict names): to train a model further under a new schedule, or to fine-tune one on other data.
/// </summary>
public static class InitialWeights
{
    /// <summary>
    /// Copies every float tensor of the network's state_dict (parameters and batch norm statistics) from the file's
    /// initializer of the same name and shape. Returns a note about what was not copied, or null when all was.
    /// </summary>
    public static string? Load(ResNet model, string onnxPath)
    {
        var initializers = ReadInitializers(onnxPath);
        // The classifier is left as initialised when the file was trained for another number of classes.
        var classifierPrefix = model.Network.Head.OfType<Topology.Linear>().Single().Name + ".";
        var skipped = new List<string>();
        using var noGrad = no_grad();
        foreach (var (name, target) in model.state_dict())
        {
            if (!target.is_floating_point())
            {
                continue;
            }

            if (!initializers.TryGetValue(name, out var source))
            {
                throw new InvalidDataException($"{onnxPath} has no initializer '{name}': it is not a {model.Config.Architecture.Name} with torchvision's names.");
            }

            if (!source.Dims.SequenceEqual(target.shape))
            {
                if (name.StartsWith(classifierPrefix, StringComparison.Ordinal))
                {
                    skipped.Add(name);
                    continue;
                }

                throw new InvalidDataException(
                    $"{onnxPath}: '{name}' is [{string.Join(", ", source.Dims)}], the network needs [{string.Join(", ", target.shape)}].");
            }

            using var values = tensor(ReadFloats(onnxPath, source), target.shape, target.dtype);
            target.copy_(values);
        }

        return skipped.Count == 0 ? null : $"{string.Join(", ", skipped)} start afresh: {onnxPath} was trained for another number of classes.";
    }

    private static float[] ReadFloats(string onnxPath, Onnx.Protos.TensorProto source)
    {
        try
        {
            return OnnxTensors.ReadFloats(source);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{onnxPath}: {e.Message}", e);
        }
    }

    private static Dictionary<string, Onnx.Protos.TensorProto> ReadInitializers(string onnxPath)
    {
        if (!File.Exists(onnxPath))
        {
            throw new FileNotFoundException($"Initial weights {onnxPath} do not exist.", onnxPath);
        }

        Onnx.Protos.ModelProto model;
        try
        {
            model = OnnxModelFile.Read(onnxPath);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"Initial weights {onnxPath} are not an ONNX model: {e.Message}", e);
        }

        // Protobuf reads an empty or foreign file as an empty message rather than failing.
        if (model.Graph is not { Initializer.Count: > 0 } graph)
        {
            throw new InvalidDataException($"Initial weights {onnxPath} are not an ONNX model with weights (no graph initializers).");
        }

        return graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }
}
