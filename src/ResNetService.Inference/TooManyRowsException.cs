namespace ResNetService.Inference;

/// <summary>
/// One request holds more images than the model's queue can ever take: the client must send fewer at once (400),
/// unlike overload, which passes. Configuration keeps the request limits within Batching:QueueCapacity, but a model
/// of the repository may set a smaller queueCapacity of its own.
/// </summary>
public sealed class TooManyRowsException(int rows, int queueCapacity)
    : Exception($"{rows} images exceed this model's queue capacity of {queueCapacity} (Batching:QueueCapacity, or " +
        $"queueCapacity in the model's config.json); send at most {queueCapacity} at once.")
{
    public int QueueCapacity { get; } = queueCapacity;
}
