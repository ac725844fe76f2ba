namespace ResNetService.Inference.Repository;

/// <summary>One version of a model in the repository index (Triton's repository extension): its state and why.</summary>
public sealed record RepositoryIndexEntry(string Name, long? Version, ModelVersionState State, string? Reason);
