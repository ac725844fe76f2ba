namespace ResNetService.Inference.Repository;

/// <summary>
/// A folder of models laid out as Triton lays out its model repository (configuration section <c>ModelRepository</c>):
/// <c>&lt;Root&gt;/&lt;name&gt;/&lt;version&gt;/model.onnx</c>, with an optional <c>config.json</c> and <c>labels.txt</c>
/// per model. Served beside the default model of the <c>Model</c> section.
/// </summary>
public sealed class ModelRepositoryOptions
{
    public const string SectionName = "ModelRepository";

    /// <summary>The repository folder (relative paths from the content root); unset serves the default model alone.</summary>
    public string? Root { get; set; }

    /// <summary>
    /// A folder filled by someone else, such as KServe's storage initializer (<c>/mnt/models</c>): served as the
    /// repository (in place of <see cref="Root"/>) when it has the repository layout, and as the default model (in place
    /// of <c>Model:Path</c>, alone) when it holds one <c>.onnx</c> file. Neither stops start-up. Unset: not used.
    /// </summary>
    public string? ModelDir { get; set; }

    /// <summary>
    /// <see cref="ModelControlMode.Poll"/> (the default): the folder is read again every <see cref="PollInterval"/>.
    /// <see cref="ModelControlMode.Explicit"/>: only when asked through the model control API, after loading
    /// <see cref="StartupModels"/> at start.
    /// </summary>
    public ModelControlMode ControlMode { get; set; } = ModelControlMode.Poll;

    /// <summary>
    /// In explicit mode, the models loaded at start (Triton's <c>--load-model</c>); <c>*</c> loads every model of the
    /// folder. The default model is always loaded.
    /// </summary>
    public string[] StartupModels { get; set; } = [];

    /// <summary>
    /// Whether the server is ready only while every model found serves (Triton's <c>--strict-readiness</c>). Off by
    /// default: then only the default model losing its last serving version makes the server not ready, and a model
    /// that cannot serve is shown on its own (<c>GET /models</c>, <c>/v2/models/{name}/ready</c>, metrics).
    /// </summary>
    public bool StrictReadiness { get; set; }

    /// <summary>The version policy of every model whose <c>config.json</c> does not set its own.</summary>
    public VersionPolicy VersionPolicy { get; set; } = new();

    /// <summary>How often the folder is read again for new, changed or removed models and versions; zero: only at start.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a model file must have been left unwritten before it is loaded, so that a file still being copied is
    /// not taken for a corrupt one. Copying elsewhere on the same disk and renaming into place is safe at any setting.
    /// Without polling (<see cref="PollInterval"/> zero) files are loaded as they are at start.
    /// </summary>
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromSeconds(2);
}
