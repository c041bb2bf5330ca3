using System.Text;
using System.Text.Json;
using ReconnectionFunctions.Tests.Infrastructure;

namespace ReconnectionFunctions.Tests.Hostile;

/// <summary>
/// Thousands of malformed requests, from a fixed seed, across every route: broken and hostile
/// bodies, encodings, content types, headers, methods and route values. Not one may get a 5xx.
/// </summary>
public sealed class HttpFuzzTests(AzuriteFixture storage) : IAsyncLifetime
{
    private const int Seed = 20261204;
    private const int Requests = 3000;
    private OpenTokFake _openTok = null!;
    private SendGridFake _sendGrid = null!;
    private TestApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _openTok = await OpenTokFake.StartAsync(Fixture.ApiKey, Fixture.ApiSecret);
        _sendGrid = await SendGridFake.StartAsync(TestApp.SendGridKey);
        _app = await TestApp.StartAsync(TestApp.Settings(storage, _openTok, _sendGrid));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _sendGrid.DisposeAsync();
        await _openTok.DisposeAsync();
    }

    private static readonly string[] Paths =
        ["session", "room/{0}", "token", "join-requests", "feedback", "forms/join", "forms/feedback", "health", "{0}", "room/", "forms/{0}"];

    private static readonly string[] Methods = ["GET", "POST", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "application/problem+json",
        "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=iso-8859-1", "multipart/form-data; boundary=xyz",
        "text/plain", "text/html", "application/xml", "???", "application/json; charset", "*/*",
    ];

    private static readonly string[] Fields =
    [
        "email", "name", "company", "platforms", "problems", "disconnectionsCommon", "disconnectionCauses", "currentHandlingCode",
        "currentHandlingProduct", "consent", "website", "solvesConnectivity", "apiFitsUseCase", "performsAsExpected", "comments",
        "platform", "sdkVersion", "sessionId", "room", "role", "data", "expiresInSeconds", "initialLayoutClassList", "__proto__", "",
    ];

    [Fact]
    public async Task Thousands_of_malformed_requests_get_no_5xx()
    {
        var random = new Random(Seed);
        var plans = Enumerable.Range(0, Requests).Select(_ => Plan(random)).ToList();
        var serverErrors = new List<string>();
        var answered = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();

        await Parallel.ForEachAsync(plans, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (plan, token) =>
        {
            using var request = plan();
            var description = $"{request.Method} {request.RequestUri} [{request.Content?.Headers.ContentType}]";
            using var response = await _app.Client.SendAsync(request, token);
            var segment = request.RequestUri!.AbsolutePath.Split('/').ElementAtOrDefault(2) ?? "";
            var route = segment is "session" or "room" or "token" or "join-requests" or "feedback" or "forms" or "health" ? segment : "other";
            answered.AddOrUpdate($"{request.Method} {route} {(int)response.StatusCode}", 1, (_, n) => n + 1);
            if ((int)response.StatusCode >= 500)
            {
                var body = await response.Content.ReadAsStringAsync(token);
                lock (serverErrors)
                {
                    serverErrors.Add($"{(int)response.StatusCode} for {description}: {body}");
                }
            }
        });

        Assert.True(serverErrors.Count == 0, $"seed {Seed}: {serverErrors.Count} server errors, first: {string.Join("\n", serverErrors.Take(5))}");
        // The run reached the handlers, not just the router: each kind of refusal, and some successes.
        foreach (var expected in new[] { "POST token 400", "POST token 415", "POST join-requests 400", "POST feedback 400", "POST feedback 415",
                     "POST join-requests 415", "GET room 400", "GET room 200", "GET session 200", "GET forms 200", "GET health 200" })
        {
            Assert.True(answered.ContainsKey(expected), $"the fuzz run never got '{expected}': {string.Join(", ", answered.OrderBy(a => a.Key).Select(a => $"{a.Key}×{a.Value}"))}");
        }
        Assert.Contains(answered.Keys, k => k.EndsWith(" 413", StringComparison.Ordinal));
        Assert.Empty(_openTok.Refusals);
        Assert.Empty(_sendGrid.Refusals);
    }

    /// <summary>One request, drawn now so the run is the same every time; built later, so each send gets its own.</summary>
    private static Func<HttpRequestMessage> Plan(Random random)
    {
        var method = Methods[random.Next(Methods.Length)];
        var path = "/api/" + string.Format(System.Globalization.CultureInfo.InvariantCulture, Paths[random.Next(Paths.Length)], RouteValue(random));
        var body = Body(random);
        var contentType = ContentTypes[random.Next(ContentTypes.Length)];
        var headers = Headers(random);
        var withBody = method is not ("GET" or "HEAD" or "OPTIONS") || random.Next(10) == 0;
        return () =>
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (withBody)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
            return request;
        };
    }

    private static string RouteValue(Random random) => random.Next(8) switch
    {
        0 => "demo-" + random.Next(1000),
        1 => Uri.EscapeDataString(Text(random, 30)),
        2 => new string('r', random.Next(60, 2000)),
        3 => "%00%ff%fe..%2f%5c",
        4 => "..",
        5 => Uri.EscapeDataString("名前🎥"),
        6 => "a.b_c-D" + random.Next(100),
        _ => "%",
    };

    private static List<(string, string)> Headers(Random random)
    {
        var headers = new List<(string, string)>();
        if (random.Next(3) == 0)
        {
            headers.Add(("Idempotency-Key", random.Next(4) == 0 ? new string('k', random.Next(200, 400)) : Ascii(random, random.Next(0, 40))));
        }
        if (random.Next(3) == 0)
        {
            headers.Add(("X-Forwarded-For", random.Next(2) == 0 ? $"{random.Next(256)}.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}" : Ascii(random, 30)));
        }
        if (random.Next(4) == 0)
        {
            headers.Add(("X-Preview-Passcode", Ascii(random, random.Next(0, 100))));
        }
        if (random.Next(5) == 0)
        {
            headers.Add(("Accept", Ascii(random, 20)));
        }
        return headers;
    }

    private static byte[] Body(Random random)
    {
        switch (random.Next(12))
        {
            case 0:
                var bytes = new byte[random.Next(0, 400)];
                random.NextBytes(bytes);
                return bytes;
            case 1:
                var json = Json(random);
                return Encoding.UTF8.GetBytes(json[..random.Next(0, json.Length)]);
            case 2:
                return Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000));
            case 3:
                return Encoding.UTF8.GetBytes("{\"expiresInSeconds\": 1e400, \"room\": 99999999999999999999999999}");
            case 4:
                return [0x7B, 0x22, 0x65, 0x6D, 0x61, 0x69, 0x6C, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0xFF, 0x22, 0x7D];
            case 5:
                return Encoding.UTF8.GetBytes(string.Join("&", Enumerable.Range(0, random.Next(0, 30)).Select(_ => $"{Fields[random.Next(Fields.Length)]}={Uri.EscapeDataString(Text(random, 40))}")));
            case 6:
                return Encoding.UTF8.GetBytes("%%%=&&=%zz&email=%E0%A4%A&consent=on&platforms=ios&platforms=beos");
            case 7:
                return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { comments = new string('x', random.Next(60_000, 80_000)) }));
            case 8:
                return Encoding.Unicode.GetBytes("{\"room\":\"demo\"}");
            default:
                return Encoding.UTF8.GetBytes(Json(random));
        }
    }

    /// <summary>A JSON object of contract field names with values of any type, well-formed or not quite.</summary>
    private static string Json(Random random)
    {
        var pairs = Enumerable.Range(0, random.Next(0, 8)).Select(_ =>
        {
            var value = random.Next(9) switch
            {
                0 => JsonSerializer.Serialize(Text(random, 50)),
                1 => random.Next(2) == 0 ? "true" : "false",
                2 => "null",
                3 => random.Next(int.MinValue, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture),
                4 => "[\"ios\", 1, null, {\"a\": []}]",
                5 => "{\"nested\": {\"deeper\": [\"x\"]}}",
                6 => "\"\\ud800\\udc00\\ud800\"",
                7 => JsonSerializer.Serialize(Fixture.SessionId),
                _ => JsonSerializer.Serialize("ada@example.com"),
            };
            return $"{JsonSerializer.Serialize(Fields[random.Next(Fields.Length)])}:{value}";
        });
        return "{" + string.Join(",", pairs) + "}";
    }

    private static string Text(Random random, int maxLength)
    {
        var builder = new StringBuilder();
        var length = random.Next(0, maxLength);
        for (var i = 0; i < length; i++)
        {
            builder.Append(random.Next(6) switch
            {
                0 => (char)random.Next(0, 32),
                1 => (char)random.Next(0xD800, 0xE000),
                2 => (char)random.Next(0x400, 0x4FF),
                3 => Specials[random.Next(Specials.Length)],
                _ => (char)random.Next(32, 127),
            });
        }
        return builder.ToString();
    }

    private const string Specials = "<>&\"'%+=:;/\\";

    private static string Ascii(Random random, int length) =>
        new([.. Enumerable.Range(0, length).Select(_ => (char)random.Next(32, 127))]);
}
