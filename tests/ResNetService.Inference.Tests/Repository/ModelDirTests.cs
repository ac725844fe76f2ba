using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ResNetService.Inference.Hosting;
using ResNetService.Inference.Model;
using ResNetService.Inference.Repository;

namespace ResNetService.Inference.Tests.Repository;

/// <summary>
/// ModelRepository:ModelDir, the folder KServe's storage initializer fills (/mnt/models): one .onnx file is the default
/// model, the repository layout is the repository, anything else stops start-up with the folder named.
/// </summary>
public sealed class ModelDirTests : IClassFixture<ModelFiles>, IDisposable
{
    private readonly ModelFiles _files;
    private readonly string _modelDir = Directory.CreateTempSubdirectory("model-dir-").FullName;

    public ModelDirTests(ModelFiles files) => _files = files;

    public void Dispose() => Directory.Delete(_modelDir, recursive: true);

    private IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _files.Folder });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddModelRepository(builder.Configuration);
        return builder.Build();
    }

    /// <summary>The image's own settings: a default model and a repository, both of which ModelDir may replace.</summary>
    private Dictionary<string, string?> ImageSettings() => new()
    {
        ["Model:Path"] = _files.Write("shipped", ModelFiles.SmallModelMetadata()),
        ["ModelRepository:Root"] = Directory.CreateDirectory(Path.Combine(_files.Folder, "shipped-repository")).FullName,
        ["ModelRepository:PollInterval"] = "00:00:00",
        ["ModelRepository:ModelDir"] = _modelDir,
    };

    private void CopyModel(string relativePath)
    {
        var path = Path.Combine(_modelDir, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(_files.Write("source", ModelFiles.SmallModelMetadata()), path);
    }

    [Fact]
    public async Task A_folder_with_one_onnx_file_serves_it_alone_as_the_default_model_under_the_name_given()
    {
        CopyModel("model.onnx");
        var settings = ImageSettings();
        settings["Model:Name"] = "flowers"; // KServe's runtime passes the InferenceService's name
        using var host = Build(settings);

        await host.StartAsync();
        var repository = host.Services.GetRequiredService<ModelRepository>();
        using var lease = repository.Acquire(null, null);
        var served = repository.Models.Select(m => (m.Name, m.IsDefault)).ToList();
        var filePath = lease.Classifier.Info.FilePath;
        await host.StopAsync();

        Assert.Equal(Path.Combine(_modelDir, "model.onnx"), filePath);
        Assert.Equal([("flowers", true)], served);
        Assert.Null(host.Services.GetRequiredService<IOptions<ModelRepositoryOptions>>().Value.Root);
    }

    [Fact]
    public void A_folder_with_the_repository_layout_becomes_the_repository_beside_the_configured_default_model()
    {
        CopyModel("resnet50/1/model.onnx");
        CopyModel("resnet50/2/model.onnx");
        var settings = ImageSettings();
        using var host = Build(settings);

        var repositoryOptions = host.Services.GetRequiredService<IOptions<ModelRepositoryOptions>>().Value;
        var modelOptions = host.Services.GetRequiredService<IOptions<ModelOptions>>().Value;

        Assert.Equal(_modelDir, repositoryOptions.Root);
        Assert.Equal(settings["Model:Path"], modelOptions.Path);
        Assert.Equal(["resnet50"], RepositoryLayout.Scan(repositoryOptions.Root!).Select(m => m.Name));
    }

    [Theory]
    [InlineData(new string[0], "no .onnx file")]
    [InlineData(new[] { "readme.txt", "nested/model.onnx" }, "no .onnx file")]
    [InlineData(new[] { "a.onnx", "b.onnx" }, "2 .onnx files")]
    [InlineData(new[] { "model.onnx", "resnet50/1/model.onnx" }, "both")]
    public async Task A_folder_with_neither_layout_stops_start_up_naming_the_setting_the_folder_and_why(string[] files, string why)
    {
        foreach (var file in files)
        {
            CopyModel(file);
        }

        using var host = Build(ImageSettings());

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"ModelRepository:ModelDir {_modelDir} cannot be served", error.Message);
        Assert.Contains(why, error.Message);
    }

    [Fact]
    public async Task A_missing_folder_stops_start_up()
    {
        var settings = ImageSettings();
        settings["ModelRepository:ModelDir"] = Path.Combine(_modelDir, "absent");
        using var host = Build(settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("absent cannot be served: it is not a folder", error.Message);
    }

    [Fact]
    public void Without_the_setting_model_path_and_root_stay_as_configured()
    {
        CopyModel("model.onnx");
        var settings = ImageSettings();
        settings.Remove("ModelRepository:ModelDir");
        using var host = Build(settings);

        Assert.Equal(settings["ModelRepository:Root"], host.Services.GetRequiredService<IOptions<ModelRepositoryOptions>>().Value.Root);
        Assert.Equal(settings["Model:Path"], host.Services.GetRequiredService<IOptions<ModelOptions>>().Value.Path);
    }
}
