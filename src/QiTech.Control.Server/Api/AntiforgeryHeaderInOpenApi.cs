using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using QiTech.Control.Server.Security;

namespace QiTech.Control.Server.Api;

/// <summary>
/// Declares in the OpenAPI document the <c>X-CSRF-TOKEN</c> header that <see cref="AntiforgeryCheck"/>
/// requires of every mutating API call, so a client generated from the document sends it.
/// </summary>
public sealed class AntiforgeryHeaderInOpenApi : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var method = context.Description.HttpMethod;
        var isApi = context.Description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
        if (isApi && method is not null && !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = AntiforgeryCheck.HeaderName,
                In = ParameterLocation.Header,
                Required = true,
                Description = "The token from GET /api/antiforgery; its cookie must come with it.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            operation.Responses ??= [];
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = "Missing or invalid X-CSRF-TOKEN header, or a request from another site" });
        }
        return Task.CompletedTask;
    }
}
