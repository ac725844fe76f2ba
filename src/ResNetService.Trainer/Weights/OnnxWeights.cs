using ResNetService.Onnx.Graph;
using ResNetService.Onnx.Protos;

namespace ResNetService.Trainer.Weights;

/// <summary>The float32 initializers of an ONNX model: our exports carry torchvision's state_dict names.</summary>
public static class OnnxWeights
{
    public static IReadOnlyDictionary<string, WeightTensor> Read(string path)
    {
        ModelProto model;
        try
        {
            model = OnnxModelFile.Read(path);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path} is not an ONNX model, a PyTorch checkpoint or a safetensors file: {e.Message}", e);
        }

        // Protobuf reads an empty or foreign file as an empty message rather than failing.
        if (model.Graph is not { Initializer.Count: > 0 } graph)
        {
            throw new InvalidDataException($"{path} is not an ONNX model with weights (no graph initializers).");
        }

        var tensors = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (var initializer in graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float))
        {
            float[] values;
            try
            {
                values = OnnxTensors.ReadFloats(initializer);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{path}: {e.Message}", e);
            }

            tensors[initializer.Name] = new WeightTensor(initializer.Name, [.. initializer.Dims], "float32", values);
        }

        return tensors;
    }
}
