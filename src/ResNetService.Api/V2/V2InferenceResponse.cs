namespace ResNetService.Api.V2;

/// <summary>One <c>$response_output</c>: FP32 values or BYTES elements, sent as JSON data or as binary data.</summary>
public sealed record V2OutputTensor(string Name, string Datatype, IReadOnlyList<long> Shape, float[]? Floats, IReadOnlyList<byte[]>? Elements, bool Binary);

/// <summary>An <c>$inference_response</c>; <see cref="V2InferenceResult"/> writes it.</summary>
public sealed record V2InferenceResponse(string ModelName, string ModelVersion, string? Id, IReadOnlyList<V2OutputTensor> Outputs);
