namespace ResNetService.Api.Tests.Support;

/// <summary>One model and one warmed-up service shared by the tests of the "service" collection.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public TestModel Model { get; } = new();

    public ServiceFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory = new ServiceFactory(Model.Path);
        await Factory.WaitUntilReadyAsync();
        Client = Factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        Model.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ServiceTestCollection : ICollectionFixture<ServiceFixture>
{
    public const string Name = "service";
}
