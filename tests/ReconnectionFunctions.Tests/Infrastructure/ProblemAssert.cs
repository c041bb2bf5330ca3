using System.Net;
using System.Text.Json;

namespace ReconnectionFunctions.Tests.Infrastructure;

/// <summary>Checks an answer is RFC 9457 problem+json with the status, title and detail a caller needs.</summary>
public static class ProblemAssert
{
    public static async Task<JsonElement> StatusAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("type").GetString()));
        return problem;
    }

    /// <summary>A 400 whose <c>errors</c> name <paramref name="field"/> with a reason; returns the reasons.</summary>
    public static async Task<string[]> ValidationAsync(HttpResponseMessage response, string field)
    {
        var problem = await StatusAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var reasons), $"errors should name '{field}': {errors}");
        var messages = reasons.EnumerateArray().Select(r => r.GetString()!).ToArray();
        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.False(string.IsNullOrWhiteSpace(m)));
        return messages;
    }
}
