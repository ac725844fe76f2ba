namespace ResNetService.Inference.Repository;

/// <summary>Where a model version stands.</summary>
public enum ModelVersionState
{
    /// <summary>Chosen by the version policy, being loaded and warmed up.</summary>
    Loading,

    /// <summary>Serving requests.</summary>
    Ready,

    /// <summary>Chosen by the version policy, but it could not be loaded; the reason says why.</summary>
    Unavailable,

    /// <summary>In the repository, left out by the version policy.</summary>
    NotLoaded,
}
