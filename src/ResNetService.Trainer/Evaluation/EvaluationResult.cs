namespace ResNetService.Trainer.Evaluation;

/// <summary>What evaluating a model on a test split gives: the confusion matrix and the mean cross-entropy over its images.</summary>
public sealed record EvaluationResult(ConfusionMatrix Matrix, double TestLoss);
