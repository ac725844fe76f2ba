namespace ResNetService.Api.ModelControl;

public static class ModelControlSetup
{
    /// <summary>Binds <see cref="ModelControlOptions"/>; the routes reach the models through the repository's loader.</summary>
    public static IServiceCollection AddModelControl(this IServiceCollection services)
    {
        services.AddOptions<ModelControlOptions>().BindConfiguration(ModelControlOptions.SectionName);
        return services;
    }
}
