using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using ResNetService.Api.Classification;
using ResNetService.Api.Tests.Support;
using ResNetService.Inference.Repository;
using SkiaSharp;

namespace ResNetService.Api.Tests;

/// <summary>Batching must never mix rows: every concurrent caller gets exactly the answer it gets alone.</summary>
[Collection(ServiceTestCollection.Name)]
public sealed class ConcurrencyTests(ServiceFixture fixture)
{
    private const int Requests64 = 64;

    [Fact]
    public async Task Sixty_four_concurrent_requests_get_the_answers_they_get_one_at_a_time()
    {
        // The batch delay runs on a clock that never moves: a model run starts only once a full batch waits, so the
        // concurrent requests share runs of eight, however slow the machine.
        await using var batching = new ServiceOnHeldClock(fixture.Model.Path);
        await batching.WaitUntilReadyAsync();
        using var client = batching.CreateClient();
        SKEncodedImageFormat[] formats = [SKEncodedImageFormat.Png, SKEncodedImageFormat.Jpeg, SKEncodedImageFormat.Webp];
        var images = Enumerable.Range(0, Requests64).Select(i => TestImages.Draw(100 + i, formats[i % 3])).ToArray();

        // One at a time on the shared service, which serves the same model file.
        var alone = new List<ClassificationResponse>();
        foreach (var image in images)
        {
            alone.Add(await fixture.Client.ClassifyAsync(image, TestModel.Labels.Length));
        }

        var together = await Task.WhenAll(images.Select(image => Task.Run(() => client.ClassifyAsync(image, TestModel.Labels.Length))))
            .WaitAsync(TimeSpan.FromSeconds(60));

        // The images must give different answers, or a mix-up could not show.
        Assert.True(alone.Select(a => Math.Round(a.Predictions[0].Probability, 4)).Distinct().Count() > Requests64 / 2);
        Assert.All(alone, answer => Assert.Equal(1, answer.BatchSize));
        Assert.All(together, answer => Assert.Equal(ServiceFactory.MaxBatchSize, answer.BatchSize));
        for (var i = 0; i < Requests64; i++)
        {
            Assert.Equal(alone[i].Predictions.Select(p => p.Index), together[i].Predictions.Select(p => p.Index));
            Assert.Equal(alone[i].Predictions.Select(p => p.Probability), together[i].Predictions.Select(p => p.Probability),
                EqualityComparer<float>.Create((a, b) => Math.Abs(a - b) < 1e-4f, _ => 0));
        }
    }

    /// <summary>The service with its default model's batcher on a clock the test never moves.</summary>
    private sealed class ServiceOnHeldClock(string modelPath)
        : ServiceFactory(modelPath, new Dictionary<string, string?> { ["Batching:MaxBatchDelay"] = "00:00:01" })
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
                services.Replace(ServiceDescriptor.Singleton<IClassifierFactory>(new ClockedClassifierFactory(new FakeTimeProvider()))));
        }
    }
}
