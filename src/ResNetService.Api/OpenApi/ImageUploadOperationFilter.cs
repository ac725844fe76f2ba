using Microsoft.OpenApi;
using ResNetService.Api.Uploads;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ResNetService.Api.OpenApi;

/// <summary>Writes the request body of endpoints marked with <see cref="ImageUploadMetadata"/>: a file picker in Swagger UI.</summary>
public sealed class ImageUploadOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var upload = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<ImageUploadMetadata>().LastOrDefault();
        if (upload is null)
        {
            return;
        }

        IOpenApiSchema file = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        var field = upload.Multiple ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = file } : file;
        var content = new Dictionary<string, IOpenApiMediaType>
        {
            ["multipart/form-data"] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema> { [upload.Field] = field },
                    Required = new HashSet<string> { upload.Field },
                },
            },
        };
        if (upload.RawBody)
        {
            // The same raw bytes under either content type: the format is recognised from the bytes.
            content["image/*"] = new OpenApiMediaType { Schema = file };
            content[ImageUploadReader.OctetStream] = new OpenApiMediaType { Schema = file };
        }

        operation.RequestBody = new OpenApiRequestBody { Required = true, Content = content };
    }
}
