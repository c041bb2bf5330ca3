using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ReconnectionFunctions.Hosting;

/// <summary>
/// Reads a JSON request body into a request type, answering bad bodies with the problem a caller
/// can act on: 415 for another content type, 413 when too large, 400 naming the field at fault.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 64 * 1024;

    public static async Task<BodyRead<T>> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        if (!IsJson(request.ContentType))
        {
            return new(null, UnsupportedType("Send the body as application/json (UTF-8)."));
        }

        var body = await RequestBody.ReadAsync(request, MaxBytes, cancellationToken);
        if (body is null)
        {
            return new(null, RequestBody.TooLarge(MaxBytes));
        }

        try
        {
            var value = JsonSerializer.Deserialize(body, type);
            return value is null
                ? new(null, Problem.Invalid("body", "The body must be a JSON object."))
                : new(value, null);
        }
        catch (JsonException e)
        {
            return new(null, ProblemFor(e, body, type));
        }
    }

    /// <summary>The body as a JSON object, for callers that check its fields themselves.</summary>
    public static async Task<BodyRead<JsonDocument>> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(request, MaxBytes, cancellationToken);
        if (body is null)
        {
            return new(null, RequestBody.TooLarge(MaxBytes));
        }
        try
        {
            var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return new(document, null);
            }
            document.Dispose();
            return new(null, Problem.Invalid("body", "The body must be a JSON object."));
        }
        catch (JsonException e)
        {
            return new(null, Malformed(e));
        }
    }

    public static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }
        var utf8 = !media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
        return utf8 && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.SubTypeWithoutSuffix.HasValue && media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
    }

    public static Problem UnsupportedType(string detail) =>
        new(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type.", detail);

    private static Problem Malformed(JsonException error)
    {
        var where = error.LineNumber is { } line ? $" (line {line + 1}, byte {error.BytePositionInLine + 1})" : "";
        return Problem.Invalid("body", $"The body is not well-formed JSON{where}.");
    }

    /// <summary>Well-formed JSON that does not fit the type names the field and why; malformed JSON says where.</summary>
    private static Problem ProblemFor(JsonException error, byte[] body, JsonTypeInfo type)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return Malformed(error);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Problem.Invalid("body", "The body must be a JSON object.");
            }
            if (FieldOf(error.Path) is not { } field)
            {
                return Problem.Invalid("body", "The body does not have the expected shape.");
            }
            var occurrences = document.RootElement.EnumerateObject().Count(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase));
            var property = type.Properties.FirstOrDefault(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase));
            return (property, occurrences) switch
            {
                (null, _) => Problem.Invalid(field, "This field is not part of the request."),
                (_, > 1) => Problem.Invalid(property.Name, "This field appears more than once."),
                _ => Problem.Invalid(property.Name, $"Must be {Describe(property.PropertyType)}."),
            };
        }
    }

    /// <summary>"$.initialLayoutClassList[2]" → "initialLayoutClassList".</summary>
    private static string? FieldOf(string? path)
    {
        if (path is null || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return path is not null && path.StartsWith("$['", StringComparison.Ordinal)
                ? path[3..path.IndexOf('\'', 3)]
                : null;
        }
        var name = path[2..];
        var end = name.IndexOfAny(['.', '[']);
        return end < 0 ? name : name[..end];
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "a string";
        }
        if (type == typeof(bool))
        {
            return "true or false";
        }
        if (type == typeof(int) || type == typeof(long))
        {
            return "a whole number";
        }
        return type.IsAssignableTo(typeof(IEnumerable<string>)) ? "an array of strings" : "a value of the documented type";
    }
}

/// <summary>A request body read into <typeparamref name="T"/>, or the problem that stopped it.</summary>
public readonly record struct BodyRead<T>(T? Value, Problem? Problem);

/// <summary>Reads request bodies with a size cap, so a huge upload is refused without being buffered.</summary>
public static class RequestBody
{
    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public static Problem TooLarge(int maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, "The body is too large.", $"Bodies are limited to {maxBytes / 1024} KiB.");
}
