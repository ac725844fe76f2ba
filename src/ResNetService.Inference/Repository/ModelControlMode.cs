namespace ResNetService.Inference.Repository;

/// <summary>How models come and go (Triton's <c>--model-control-mode</c>).</summary>
public enum ModelControlMode
{
    /// <summary>The folder is read again every poll interval: what is in it is served.</summary>
    Poll,

    /// <summary>
    /// The folder is read only when asked: the models of <see cref="ModelRepositoryOptions.StartupModels"/> load at start,
    /// the rest through the model control API (load, unload, index).
    /// </summary>
    Explicit,
}
