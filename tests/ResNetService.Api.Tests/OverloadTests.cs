using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ResNetService.Api.Problems;
using ResNetService.Api.Tests.Support;
using Serilog.Core;
using Serilog.Events;

namespace ResNetService.Api.Tests;

[Collection(ServiceTestCollection.Name)]
public sealed class OverloadTests(ServiceFixture fixture)
{
    private const int Concurrent = 32;
    private const int MaxRounds = 5;

    [Fact]
    public async Task Requests_beyond_a_full_queue_get_503_with_retry_after_and_the_others_their_answers()
    {
        // One waiting image at most, one image per model run: concurrent requests overflow the queue at once.
        var sink = new RecordingSink();
        await using var factory = new RecordingServiceFactory(sink, fixture.Model.Path, new Dictionary<string, string?>
        {
            ["Batching:QueueCapacity"] = "1",
            ["Batching:MaxBatchSize"] = "1",
            ["Batching:RetryAfter"] = "00:00:03",
            ["Uploads:MaxFilesPerBatch"] = "1",
            ["V2:MaxBatchSize"] = "1",
        });
        await factory.WaitUntilReadyAsync();
        using var client = factory.CreateClient();

        HttpResponseMessage[] responses = [];
        for (var round = 0; round < MaxRounds && !responses.Any(IsOverloaded); round++)
        {
            Dispose(responses);
            responses = await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(i =>
                Task.Run(() => client.PostAsync("/classify", Requests.RawBody(TestImages.Png(i))))));
        }

        try
        {
            Assert.All(responses, response => Assert.True(
                response.StatusCode is HttpStatusCode.OK || IsOverloaded(response), $"Unexpected {(int)response.StatusCode}"));
            Assert.Contains(responses, response => response.StatusCode == HttpStatusCode.OK);
            var overloaded = responses.First(IsOverloaded);
            Assert.Equal(TimeSpan.FromSeconds(3), overloaded.Headers.RetryAfter?.Delta);
            Assert.Equal(ProblemKinds.Overloaded.Type, (await overloaded.ReadProblemAsync()).Type);

            // Expected under load: no line at the default levels (the test host logs Warning and above).
            Assert.DoesNotContain(sink.Events, e => e.Properties.TryGetValue("StatusCode", out var code) && code.ToString() == "503");
        }
        finally
        {
            Dispose(responses);
        }
    }

    private static bool IsOverloaded(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.ServiceUnavailable;

    private static void Dispose(IEnumerable<HttpResponseMessage> responses)
    {
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    private sealed class RecordingSink : ILogEventSink
    {
        private readonly ConcurrentQueue<LogEvent> _events = new();

        public IReadOnlyCollection<LogEvent> Events => _events;

        public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);
    }

    private sealed class RecordingServiceFactory(ILogEventSink sink, string modelPath, IReadOnlyDictionary<string, string?> overrides)
        : ServiceFactory(modelPath, overrides)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton(sink));
        }
    }
}
