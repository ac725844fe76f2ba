namespace ResNetService.Api.ModelControl;

/// <summary>
/// The model control API (configuration section <c>ModelControl</c>): off unless <see cref="Key"/> is set; then every
/// call must carry it in the <see cref="KeyHeader"/> header.
/// </summary>
public sealed class ModelControlOptions
{
    public const string SectionName = "ModelControl";

    /// <summary>The header that carries the key.</summary>
    public const string KeyHeader = "X-Model-Control-Key";

    /// <summary>The shared secret callers present; unset or empty turns the API off (every call 403).</summary>
    public string? Key { get; set; }
}
