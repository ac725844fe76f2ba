using ResNetService.Inference.Batching;
using ResNetService.Inference.Model;
using ResNetService.Onnx.ResNet;

namespace ResNetService.Inference.Serving;

/// <summary>Raw model runs on already preprocessed input rows (the Open Inference Protocol's FP32 tensors).</summary>
public interface ITensorInference : IModelAdmission
{
    /// <summary>
    /// Runs already preprocessed input rows (each <c>3 x ImageSize x ImageSize</c> floats, the model's input layout)
    /// through the same batcher as the images, and returns each row's raw model output (<see cref="ModelInfo.OutputKind"/>
    /// says whether that is logits or probabilities), in input order. The rows are copied; the caller keeps them.
    /// </summary>
    /// <exception cref="ArgumentException">A row is not exactly the model's input length.</exception>
    /// <exception cref="OverloadedException">The queue has no room for all the rows.</exception>
    /// <exception cref="QueueTimeoutException">A row waited longer than Batching:QueueTimeout and was not run.</exception>
    /// <exception cref="ModelNotReadyException">The model is still loading, or was unloaded because the service is stopping.</exception>
    /// <exception cref="TooManyRowsException">More rows than Batching:QueueCapacity (cap the request size below it).</exception>
    async Task<IReadOnlyList<float[]>> InferAsync(IReadOnlyList<ReadOnlyMemory<float>> rows, CancellationToken cancellationToken = default) =>
        [.. (await InferAsync(rows, ExtraOutputs.None, cancellationToken)).Select(result => result.Output)];

    /// <summary>The same, each row's result also holding the <paramref name="extras"/> asked for.</summary>
    Task<IReadOnlyList<BatchRowResult>> InferAsync(
        IReadOnlyList<ReadOnlyMemory<float>> rows, ExtraOutputs extras, CancellationToken cancellationToken = default);
}
