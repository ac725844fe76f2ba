namespace ResNetService.Inference.Repository;

/// <summary>What a <see cref="ModelRepositoryOptions.ModelDir"/> holds, and so how it is served.</summary>
public enum ModelDirKind
{
    /// <summary>Neither layout: the service does not start (see <see cref="ModelDirContent.Problem"/>).</summary>
    Unusable,

    /// <summary>One <c>.onnx</c> file at its top: it is the default model.</summary>
    SingleModel,

    /// <summary>Model folders laid out as <c>&lt;name&gt;/&lt;version&gt;/model.onnx</c>: it is the repository.</summary>
    Repository,
}

/// <summary>
/// Reads a folder that something else filled, such as KServe's storage initializer at <c>/mnt/models</c>, and says
/// which of the service's two layouts it has. Both at once is refused rather than guessed.
/// </summary>
/// <param name="ModelFile">The model file, for <see cref="ModelDirKind.SingleModel"/>.</param>
/// <param name="Problem">Why the folder cannot be served, for <see cref="ModelDirKind.Unusable"/>.</param>
public sealed record ModelDirContent(ModelDirKind Kind, string? ModelFile = null, string? Problem = null)
{
    public static ModelDirContent Read(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return Unusable(folder, "it is not a folder");
        }

        var onnxFiles = Directory.GetFiles(folder, "*.onnx", SearchOption.TopDirectoryOnly);
        var models = RepositoryLayout.Scan(folder);
        return (onnxFiles.Length, models.Count) switch
        {
            (1, 0) => new ModelDirContent(ModelDirKind.SingleModel, ModelFile: onnxFiles[0]),
            (0, > 0) => new ModelDirContent(ModelDirKind.Repository),
            (0, 0) => Unusable(folder, "it holds no .onnx file and no <name>/<version>/model.onnx"),
            ( > 1, 0) => Unusable(folder, $"it holds {onnxFiles.Length} .onnx files at its top; one model needs exactly one"),
            _ => Unusable(folder, "it holds both an .onnx file at its top and model folders; keep one layout"),
        };
    }

    private static ModelDirContent Unusable(string folder, string why) =>
        new(ModelDirKind.Unusable, Problem: $"ModelRepository:ModelDir {folder} cannot be served: {why}.");
}
