using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ResNetService.Inference.Repository;

namespace ResNetService.Api.Tests.Support;

/// <summary>
/// The service whose default model's only version never serves (<see cref="UnloadedClassifierFactory"/>): what it looks
/// like while a model loads or drains. Live, never ready; model routes answer 503 not-ready.
/// </summary>
public sealed class NotReadyService(string modelPath) : ServiceFactory(modelPath)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<IClassifierFactory>(new UnloadedClassifierFactory())));
    }
}
