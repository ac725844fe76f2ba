namespace ResNetService.Trainer.Evaluation;

/// <summary>
/// What evaluating a model on a test split gives: the confusion matrix, the mean cross-entropy over its images, and
/// each image's prediction with its class probabilities.
/// </summary>
public sealed record EvaluationResult(ConfusionMatrix Matrix, double TestLoss, Predictions Predictions);
