using Microsoft.OpenApi;

namespace ResNetService.Api.OpenApi;

/// <summary>swagger.json at <c>/swagger/v1/swagger.json</c> and the Swagger UI at <c>/swagger</c>, where a person can upload an image.</summary>
public static class SwaggerSetup
{
    public static IServiceCollection AddServiceSwagger(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "ResNetService",
                Version = "v1",
                Description = "Image classification with a ResNet served by ONNX Runtime. Errors are RFC 7807 problem details.",
            });
            options.OperationFilter<ImageUploadOperationFilter>();
        });
        return services;
    }

    public static IApplicationBuilder UseServiceSwagger(this IApplicationBuilder app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(options =>
        {
            options.DocumentTitle = "ResNetService";
            options.EnableDeepLinking(); // /swagger#/Classification/Classify opens that operation.
            options.EnableTryItOutByDefault(); // The file picker is there at once.
        });
        return app;
    }
}
