using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ResNetService.Inference.ExecutionProviders;
using ResNetService.Inference.Hosting;
using ResNetService.Inference.Repository;

namespace ResNetService.Inference.Tests;

public class HostingTests : IClassFixture<ModelFiles>
{
    private readonly ModelFiles _files;

    public HostingTests(ModelFiles files) => _files = files;

    private IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _files.Folder });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddModelRepository(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public async Task The_default_model_serves_only_after_the_host_loaded_and_warmed_it_up_and_unloads_at_stop()
    {
        _files.Write("hosted", ModelFiles.SmallModelMetadata());
        using var host = Build(new()
        {
            ["Model:Path"] = "hosted.onnx", // relative to the content root
            ["Model:ExecutionProvider"] = "Auto",
            ["Batching:MaxBatchSize"] = "2",
            ["Batching:MaxBatchDelay"] = "00:00:00.001",
        });
        var repository = host.Services.GetRequiredService<ModelRepository>();

        Assert.Throws<ModelNotReadyException>(() => repository.Acquire(null, null));
        await host.StartAsync();
        using var image = TestImages.Noise(32, 32, seed: 4);
        var model = repository.Default;
        var lease = repository.Acquire(null, null);
        var classifier = lease.Classifier;
        var info = classifier.Info;
        var result = await classifier.ClassifyAsync(TestImages.Png(image), topK: 2);
        lease.Dispose();
        await host.StopAsync();

        Assert.Equal(("hosted", 1L, true), (model.Name, lease.Version, model.IsDefault));
        Assert.Equal(2, result.Predictions.Count);
        Assert.Equal(ExecutionProviderSelector.CpuProvider, info.ExecutionProvider);
        Assert.NotNull(info.ExecutionProviderFallbackReason);
        Assert.Equal(Path.Combine(_files.Folder, "hosted.onnx"), info.FilePath);
        Assert.False(classifier.IsReady);
        Assert.Throws<ModelNotReadyException>(() => repository.Acquire(null, null));
    }

    [Theory]
    [InlineData("Model:Path", "", "Path")]
    [InlineData("Batching:MaxBatchSize", "0", "MaxBatchSize")]
    [InlineData("Batching:QueueCapacity", "0", "QueueCapacity")]
    [InlineData("Batching:MaxBatchDelay", "00:00:05", "MaxBatchDelay")]
    [InlineData("Model:Preprocessing:ResizeMode", "stretch", "ResizeMode")]
    [InlineData("Model:Preprocessing:Mean:0", "0.5", "Mean")]
    [InlineData("ImageLimits:MaxPixels", "0", "MaxPixels")]
    [InlineData("ModelRepository:StartupModels:0", "resnet50", "StartupModels is for ModelRepository:ControlMode Explicit")]
    public async Task Invalid_options_stop_start_up_with_the_setting_named(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?> { ["Model:Path"] = "whatever.onnx", [key] = value };
        using var host = Build(settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(named, error.Message);
    }

    [Theory]
    [InlineData("Model:Preprocessing:ImageSize", "0", "Model:Preprocessing:ImageSize must be between 1 and 4096.")]
    [InlineData("Model:Preprocessing:ResizeSize", "9000", "Model:Preprocessing:ResizeSize must be between 1 and 8192.")]
    [InlineData("Model:Preprocessing:Std:0", "0", "Model:Preprocessing:Std must have three positive values (RGB).")]
    public async Task A_bad_nested_preprocessing_value_is_reported_once(string key, string value, string failure)
    {
        using var host = Build(new() { ["Model:Path"] = "whatever.onnx", [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal([failure], error.Failures);
    }

    [Fact]
    public async Task Requiring_cuda_on_a_cpu_build_stops_start_up()
    {
        _files.Write("hosted-cuda", ModelFiles.SmallModelMetadata());
        using var host = Build(new() { ["Model:Path"] = "hosted-cuda.onnx", ["Model:ExecutionProvider"] = "Cuda" });

        var error = await Assert.ThrowsAsync<ModelLoadException>(() => host.StartAsync());

        Assert.Contains("Cuda", error.Message);
        Assert.Throws<ModelNotReadyException>(() => host.Services.GetRequiredService<ModelRepository>().Acquire(null, null));
    }
}
