using ResNetService.Api.Tests.Support;

namespace ResNetService.Api.Tests.Repository;

/// <summary>The service with the usual default model and a <see cref="TestRepository"/> that a test fills first.</summary>
public sealed class RepositoryService : IAsyncDisposable
{
    public TestModel DefaultModel { get; } = new();

    public TestRepository Repository { get; } = new();

    public ServiceFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Starts the service on the repository, with <paramref name="settings"/> on top of the tests' usual ones.</summary>
    public void Start(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["ModelRepository:Root"] = Repository.Root };
        Factory = new ServiceFactory(DefaultModel.Path, all);
        Client = Factory.CreateClient();
    }

    /// <summary>Waits (bounded, 30 s) until <paramref name="condition"/> holds: the repository loads in the background.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The repository did not reach the expected state within 30 s.");
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }

        Repository.Dispose();
        DefaultModel.Dispose();
    }
}
