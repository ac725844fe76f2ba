using ResNetService.Api.Classification;
using ResNetService.Api.Tests.Support;
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
        // A longer batch delay than the shared service's, so that the concurrent requests really share model runs.
        await using var factory = new ServiceFactory(fixture.Model.Path, new Dictionary<string, string?>
        {
            ["Batching:MaxBatchDelay"] = "00:00:00.050",
        });
        await factory.WaitUntilReadyAsync();
        using var client = factory.CreateClient();
        SKEncodedImageFormat[] formats = [SKEncodedImageFormat.Png, SKEncodedImageFormat.Jpeg, SKEncodedImageFormat.Webp];
        var images = Enumerable.Range(0, Requests64).Select(i => TestImages.Draw(100 + i, formats[i % 3])).ToArray();

        var alone = new List<ClassificationResponse>();
        foreach (var image in images)
        {
            alone.Add(await client.ClassifyAsync(image, TestModel.Labels.Length));
        }

        var together = await Task.WhenAll(images.Select(image => Task.Run(() => client.ClassifyAsync(image, TestModel.Labels.Length))));

        // The images must give different answers, or a mix-up could not show.
        Assert.True(alone.Select(a => Math.Round(a.Predictions[0].Probability, 4)).Distinct().Count() > Requests64 / 2);
        Assert.Contains(together, answer => answer.BatchSize > 1);
        for (var i = 0; i < Requests64; i++)
        {
            Assert.Equal(alone[i].Predictions.Select(p => p.Index), together[i].Predictions.Select(p => p.Index));
            Assert.Equal(alone[i].Predictions.Select(p => p.Probability), together[i].Predictions.Select(p => p.Probability),
                EqualityComparer<float>.Create((a, b) => Math.Abs(a - b) < 1e-4f, _ => 0));
        }
    }
}
