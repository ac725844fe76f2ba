using System.Text.Json.Serialization;

namespace ResNetService.Api.V2;

// What Swagger shows of an inference request and response. The service itself reads requests with V2RequestParser
// and writes responses with V2InferenceResult (tensor data never passes through these types).

/// <summary><c>$inference_request</c>.</summary>
public sealed record V2InferenceRequestSchema(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("parameters")] Dictionary<string, object>? Parameters,
    [property: JsonPropertyName("inputs")] IReadOnlyList<V2RequestInputSchema> Inputs,
    [property: JsonPropertyName("outputs")] IReadOnlyList<V2RequestOutputSchema>? Outputs);

/// <summary><c>$request_input</c>: <c>data</c> flat or nested; parameters <c>binary_data_size</c>, <c>content_type</c>.</summary>
public sealed record V2RequestInputSchema(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("shape")] IReadOnlyList<long> Shape,
    [property: JsonPropertyName("datatype")] string Datatype,
    [property: JsonPropertyName("parameters")] Dictionary<string, object>? Parameters,
    [property: JsonPropertyName("data")] IReadOnlyList<object>? Data);

/// <summary><c>$request_output</c>: parameters <c>binary_data</c>, <c>classification</c>.</summary>
public sealed record V2RequestOutputSchema(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("parameters")] Dictionary<string, object>? Parameters);

/// <summary><c>$inference_response</c>.</summary>
public sealed record V2InferenceResponseSchema(
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("model_version")] string? ModelVersion,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("outputs")] IReadOnlyList<V2ResponseOutputSchema> Outputs);

/// <summary><c>$response_output</c>: <c>data</c> flat, or parameter <c>binary_data_size</c> when binary.</summary>
public sealed record V2ResponseOutputSchema(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("shape")] IReadOnlyList<long> Shape,
    [property: JsonPropertyName("datatype")] string Datatype,
    [property: JsonPropertyName("parameters")] Dictionary<string, object>? Parameters,
    [property: JsonPropertyName("data")] IReadOnlyList<object>? Data);
