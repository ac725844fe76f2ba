using ResNetService.Inference.Model;

namespace ResNetService.Inference;

/// <summary>A request named a class the model does not have (400).</summary>
public sealed class UnknownClassException(string message) : Exception(message)
{
    /// <summary>The one check of a class index against a model's classes, for the API's early refusal and the classifier alike.</summary>
    public static int ThrowIfNotAClass(int classIndex, ModelInfo model) =>
        classIndex >= 0 && classIndex < model.Classes
            ? classIndex
            : throw new UnknownClassException($"Class {classIndex} does not exist; model '{model.Name}' has classes 0 to {model.Classes - 1}.");
}
