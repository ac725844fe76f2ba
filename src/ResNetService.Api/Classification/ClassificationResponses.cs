using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using ResNetService.Inference.Classification;

namespace ResNetService.Api.Classification;

/// <summary>One class of the answer: its label, its index in the model's output and its softmax probability.</summary>
public sealed record PredictionResponse(string Label, int Index, float Probability)
{
    public static IReadOnlyList<PredictionResponse> From(IReadOnlyList<Prediction> predictions) =>
        predictions.Select(p => new PredictionResponse(p.Label, p.Index, p.Probability)).ToList();
}

/// <summary>The answer to <c>POST /classify</c>.</summary>
/// <param name="Model">Name of the model that answered.</param>
/// <param name="Predictions">The top classes, most probable first.</param>
/// <param name="DecodeMs">Decoding and preprocessing the image.</param>
/// <param name="QueueMs">Waiting for a batch to form and for the model.</param>
/// <param name="InferenceMs">The model run (of the whole batch this image was part of).</param>
/// <param name="BatchSize">Images in that model run.</param>
public sealed record ClassificationResponse(
    string Model,
    IReadOnlyList<PredictionResponse> Predictions,
    double DecodeMs,
    double QueueMs,
    double InferenceMs,
    int BatchSize)
{
    public static ClassificationResponse From(string model, ClassificationResult result) => new(
        model,
        PredictionResponse.From(result.Predictions),
        result.PreprocessingTime.TotalMilliseconds,
        result.QueueTime.TotalMilliseconds,
        result.InferenceTime.TotalMilliseconds,
        result.BatchSize);
}

/// <summary>One image of a batch: either its predictions or its own problem details.</summary>
/// <param name="Index">Position of the file in the request.</param>
/// <param name="FileName">The file name the client sent.</param>
/// <remarks>An item carries either <see cref="Predictions"/> and <see cref="DecodeMs"/>, or <see cref="Problem"/>: the other fields are left out.</remarks>
public sealed record BatchItemResponse(
    int Index,
    string FileName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<PredictionResponse>? Predictions = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? DecodeMs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ProblemDetails? Problem = null);

/// <summary>The answer to <c>POST /classify/batch</c>: one result per file, in request order.</summary>
/// <param name="InferenceMs">Time of the model runs the images went through (the longest one when split).</param>
public sealed record BatchClassificationResponse(
    string Model,
    int Count,
    int Succeeded,
    double InferenceMs,
    IReadOnlyList<BatchItemResponse> Results);
