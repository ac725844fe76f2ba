namespace ResNetService.Inference.Memory;

/// <summary>What memory of the <see cref="MemoryBudget"/> is for; it decides whether and where a request waits.</summary>
public enum MemoryUse
{
    /// <summary>A loaded model's session: counted at once and for its whole life, never waits (the memory is taken anyway).</summary>
    Session,

    /// <summary>
    /// A request body buffered in memory: the first thing a request holds. Uploads wait behind every decode and leave
    /// <see cref="MemoryBudget.UploadHeadroom"/> free, so that a request holding its body can always decode it in the end.
    /// </summary>
    Upload,

    /// <summary>A full-size image decode and its preprocessing, taken while the request may already hold its body.</summary>
    Decode,
}
