using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using ResNetService.Inference.Features;

namespace ResNetService.Api.Embeddings;

/// <summary>The answer to <c>POST /embed</c>.</summary>
/// <param name="Dimensions">Length of the embedding: the channels of the model's last feature map.</param>
/// <param name="Normalized">Whether the vector was scaled to unit length (L2).</param>
/// <param name="Embedding">The pooled embedding: the last feature map averaged over its positions, the classifier's input.</param>
public sealed record EmbeddingResponse(
    string Model, int Dimensions, bool Normalized, IReadOnlyList<float> Embedding, double DecodeMs, double QueueMs, double InferenceMs, int BatchSize)
{
    public static EmbeddingResponse From(string model, EmbeddingResult result) => new(
        model, result.Embedding.Length, result.Normalized, result.Embedding, result.PreprocessingTime.TotalMilliseconds,
        result.QueueTime.TotalMilliseconds, result.InferenceTime.TotalMilliseconds, result.BatchSize);
}

/// <summary>One image of <c>POST /embed/batch</c>: its embedding, or its own problem details.</summary>
public sealed record BatchEmbeddingItemResponse(
    int Index,
    string FileName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<float>? Embedding = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? DecodeMs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ProblemDetails? Problem = null);

/// <summary>The answer to <c>POST /embed/batch</c>: one result per file, in request order.</summary>
public sealed record BatchEmbeddingResponse(
    string Model, int Dimensions, bool Normalized, int Count, int Succeeded, double InferenceMs, IReadOnlyList<BatchEmbeddingItemResponse> Results);
