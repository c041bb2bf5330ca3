using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace ReconnectionFunctions.Hosting;

/// <summary>Reads a plain HTML form post (<c>application/x-www-form-urlencoded</c>, UTF-8) with the same size cap as JSON.</summary>
public static class FormBody
{
    public static bool IsForm(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
        && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    public static async Task<BodyRead<Dictionary<string, StringValues>>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(request, JsonBody.MaxBytes, cancellationToken);
        if (body is null)
        {
            return new(null, RequestBody.TooLarge(JsonBody.MaxBytes));
        }
        try
        {
            using var reader = new FormReader(Encoding.UTF8.GetString(body)) { ValueCountLimit = 200, ValueLengthLimit = JsonBody.MaxBytes };
            return new(await reader.ReadFormAsync(cancellationToken), null);
        }
        catch (InvalidDataException)
        {
            return new(null, Problem.Invalid("body", "The form has too many fields."));
        }
    }
}
