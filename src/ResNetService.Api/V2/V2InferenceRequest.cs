namespace ResNetService.Api.V2;

/// <summary>Where an input's <c>data</c> array lies in the JSON header (bytes), to be read once its shape is known.</summary>
public readonly record struct JsonSlice(int Start, int Length);

/// <summary>An inference request's JSON header: <c>$inference_request</c> without the tensor data itself.</summary>
/// <param name="Outputs">The requested outputs; null when the request names none (then every output is returned).</param>
/// <param name="BinaryDataOutput">Request parameter <c>binary_data_output</c>: outputs binary unless they say otherwise.</param>
public sealed record V2InferenceRequest(
    string? Id,
    IReadOnlyList<V2RequestInput> Inputs,
    IReadOnlyList<V2RequestOutput>? Outputs,
    bool BinaryDataOutput);

/// <summary>One <c>$request_input</c>.</summary>
/// <param name="Data">The <c>data</c> array in the JSON; null when absent (binary data, or a mistake).</param>
/// <param name="BinaryDataSize">Parameter <c>binary_data_size</c>: the tensor's bytes after the JSON header.</param>
/// <param name="ContentType">Parameter <c>content_type</c> (Seldon MLServer's codecs; only <c>base64</c> is understood).</param>
public sealed record V2RequestInput(
    string Name,
    string Datatype,
    IReadOnlyList<long> Shape,
    JsonSlice? Data,
    long? BinaryDataSize,
    string? ContentType);

/// <summary>One <c>$request_output</c>.</summary>
/// <param name="BinaryData">Parameter <c>binary_data</c>; null when not given.</param>
/// <param name="Classification">Parameter <c>classification</c>: answer the top k classes as strings instead.</param>
public sealed record V2RequestOutput(string Name, bool? BinaryData, int? Classification);
