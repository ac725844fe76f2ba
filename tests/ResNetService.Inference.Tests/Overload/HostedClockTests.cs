using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ResNetService.Inference.Classification;
using ResNetService.Inference.Hosting;
using ResNetService.Inference.Repository;

namespace ResNetService.Inference.Tests.Overload;

/// <summary>The hosted classifiers, the default model's and the repository's, take their clock from the container.</summary>
public sealed class HostedClockTests(ModelFiles files) : IClassFixture<ModelFiles>
{
    private IHost Build(Dictionary<string, string?> settings, TimeProvider? clock = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = files.Folder });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddImageClassifier(builder.Configuration);
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        return builder.Build();
    }

    [Fact]
    public async Task A_registered_time_provider_times_the_queue_and_the_model_runs()
    {
        var path = files.Write("clocked", ModelFiles.SmallModelMetadata());
        var version = Directory.CreateDirectory(Path.Combine(files.Folder, "clocked-repository", "other", "1")).FullName;
        File.Copy(path, Path.Combine(version, "model.onnx"), overwrite: true);
        File.SetLastWriteTimeUtc(Path.Combine(version, "model.onnx"), DateTime.UtcNow.AddMinutes(-1)); // settled
        using var host = Build(new()
        {
            ["Model:Path"] = "clocked.onnx",
            ["Model:ExecutionProvider"] = "Cpu",
            ["ModelRepository:Root"] = "clocked-repository",
            ["ModelRepository:PollInterval"] = "00:00:00",
            ["Batching:MaxBatchDelay"] = "00:00:00", // a batch delay would wait for the test to move the clock
        }, new FakeTimeProvider()); // never moved: every duration it measures is zero
        await host.StartAsync();
        var repository = host.Services.GetRequiredService<ModelRepository>();
        for (var i = 0; i < 3000 && !repository.IsReady; i++)
        {
            await Task.Delay(10);
        }

        using var image = TestImages.Noise(32, 32, seed: 5);
        var byDefault = await host.Services.GetRequiredService<IImageClassifier>().ClassifyAsync(TestImages.Png(image), topK: 1)
            .WaitAsync(TimeSpan.FromSeconds(30));
        ClassificationResult fromRepository;
        using (var lease = repository.Acquire("other", null)) // given back before stopping: unloading waits for it
        {
            fromRepository = await lease.Classifier.ClassifyAsync(TestImages.Png(image), topK: 1).WaitAsync(TimeSpan.FromSeconds(30));
        }

        await host.StopAsync();

        foreach (var result in new[] { byDefault, fromRepository })
        {
            Assert.Equal(TimeSpan.Zero, result.InferenceTime); // a real clock always sees a model run take time
            Assert.Equal(TimeSpan.Zero, result.QueueTime);
        }
    }

    [Fact]
    public async Task Without_one_the_batcher_runs_on_the_system_clock()
    {
        files.Write("unclocked", ModelFiles.SmallModelMetadata());
        using var host = Build(new() { ["Model:Path"] = "unclocked.onnx", ["Model:ExecutionProvider"] = "Cpu" });
        await host.StartAsync();

        using var image = TestImages.Noise(32, 32, seed: 6);
        var result = await host.Services.GetRequiredService<IImageClassifier>().ClassifyAsync(TestImages.Png(image), topK: 1);
        await host.StopAsync();

        Assert.True(result.InferenceTime > TimeSpan.Zero);
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("02:00:00")]
    public async Task A_queue_timeout_out_of_range_stops_start_up(string value)
    {
        using var host = Build(new() { ["Model:Path"] = "whatever.onnx", ["Batching:QueueTimeout"] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Batching:QueueTimeout", error.Message);
    }
}
