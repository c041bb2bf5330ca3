using System.Collections.Concurrent;
using System.Net.Mail;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ReconnectionFunctions.Tests.Infrastructure;

/// <summary>A message the fake accepted, as SendGrid would deliver it.</summary>
public sealed record SentMail(string From, IReadOnlyList<string> To, IReadOnlyList<string> CcAndBcc, string? ReplyTo, string Subject,
    string Text, string Html, IReadOnlyDictionary<string, string> Tags)
{
    public string? SubmissionId => Tags.GetValueOrDefault("submissionId");
}

/// <summary>
/// A loopback stand-in for SendGrid's <c>POST /v3/mail/send</c>. It checks what SendGrid checks
/// (the bearer key, a JSON body with personalizations, valid addresses, a subject, content with
/// text/plain before text/html) and answers 202 with an X-Message-Id, or, when told, 429 with
/// <c>X-RateLimit-Reset</c> or a 5xx.
/// </summary>
public sealed class SendGridFake : IAsyncDisposable
{
    private LoopbackServer _server = null!;
    private readonly string _apiKey;
    private readonly ConcurrentQueue<SentMail> _accepted = new();
    private readonly ConcurrentQueue<string> _refusals = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private int _requests;

    private SendGridFake(string apiKey)
    {
        _apiKey = apiKey;
    }

    public Uri Host => _server.Address;

    public IReadOnlyCollection<SentMail> Accepted => _accepted;

    /// <summary>Requests refused for being malformed (not for a failure the test asked for): empty when the service behaved.</summary>
    public IReadOnlyCollection<string> Refusals => _refusals;

    public int Requests => _requests;

    /// <summary>When set, decides for each request (by its 1-based number) whether to fail it, and how.</summary>
    public Func<int, (int Status, IReadOnlyDictionary<string, string> Headers)?>? Failure { get; set; }

    public void FailAll(int status, IReadOnlyDictionary<string, string>? headers = null) =>
        Failure = _ => (status, headers ?? new Dictionary<string, string>());

    public static async Task<SendGridFake> StartAsync(string apiKey)
    {
        var fake = new SendGridFake(apiKey);
        fake._server = await LoopbackServer.StartAsync("/v3/mail/send", fake.SendAsync);
        return fake;
    }

    /// <summary>Completes when the fake has accepted at least <paramref name="count"/> messages.</summary>
    public Task WaitForAcceptedAsync(int count, CancellationToken cancellationToken)
    {
        lock (_waiters)
        {
            if (_accepted.Count >= count)
            {
                return Task.CompletedTask;
            }
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task.WaitAsync(cancellationToken);
        }
    }

    private async Task SendAsync(HttpContext context)
    {
        var number = Interlocked.Increment(ref _requests);
        if (context.Request.Headers.Authorization.ToString() != $"Bearer {_apiKey}")
        {
            _refusals.Enqueue("bad or missing bearer key");
            await Answer(context, 401, """{"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked","field":null,"help":null}]}""");
            return;
        }
        if (Failure?.Invoke(number) is { } failure)
        {
            foreach (var (name, value) in failure.Headers)
            {
                context.Response.Headers[name] = value;
            }
            await Answer(context, failure.Status, """{"errors":[{"message":"failing on purpose"}]}""");
            return;
        }

        SentMail mail;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            mail = Read(body.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or KeyNotFoundException or InvalidOperationException)
        {
            _refusals.Enqueue(e.Message);
            await Answer(context, 400, $$"""{"errors":[{"message":{{JsonSerializer.Serialize(e.Message)}}}]}""");
            return;
        }

        _accepted.Enqueue(mail);
        lock (_waiters)
        {
            foreach (var waiter in _waiters.Where(w => _accepted.Count >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
        context.Response.Headers["X-Message-Id"] = Guid.NewGuid().ToString("N");
        context.Response.StatusCode = 202;
    }

    private static SentMail Read(JsonElement body)
    {
        var personalizations = body.GetProperty("personalizations");
        if (personalizations.GetArrayLength() == 0)
        {
            throw new InvalidDataException("personalizations must not be empty");
        }
        var to = new List<string>();
        var copies = new List<string>();
        foreach (var personalization in personalizations.EnumerateArray())
        {
            to.AddRange(Addresses(personalization, "to"));
            copies.AddRange(Addresses(personalization, "cc"));
            copies.AddRange(Addresses(personalization, "bcc"));
        }
        if (to.Count == 0)
        {
            throw new InvalidDataException("each personalization needs a to");
        }
        var from = Address(body.GetProperty("from"));
        var replyTo = body.TryGetProperty("reply_to", out var reply) ? Address(reply) : null;
        var subject = body.GetProperty("subject").GetString() ?? "";
        if (subject.Length == 0 || subject.Contains('\r') || subject.Contains('\n'))
        {
            throw new InvalidDataException("subject must be one non-empty line");
        }
        var content = body.GetProperty("content").EnumerateArray().ToList();
        var types = content.Select(c => c.GetProperty("type").GetString()).ToList();
        if (types.Count == 0 || types.Contains("text/html") && types.IndexOf("text/plain") is var plain && (plain < 0 || plain > types.IndexOf("text/html")))
        {
            throw new InvalidDataException("content must have text/plain first, then text/html");
        }
        string Part(string type) => content.FirstOrDefault(c => c.GetProperty("type").GetString() == type) is { ValueKind: JsonValueKind.Object } part
            ? part.GetProperty("value").GetString() ?? "" : "";
        var tags = body.TryGetProperty("custom_args", out var args)
            ? args.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? throw new InvalidDataException("custom_args values must be strings"))
            : [];
        return new SentMail(from, to, copies, replyTo, subject, Part("text/plain"), Part("text/html"), tags);
    }

    private static IEnumerable<string> Addresses(JsonElement personalization, string field) =>
        personalization.TryGetProperty(field, out var list) ? list.EnumerateArray().Select(Address) : [];

    private static string Address(JsonElement address)
    {
        var email = address.GetProperty("email").GetString();
        if (email is null || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
        {
            throw new InvalidDataException($"'{email}' is not a valid email address");
        }
        return email;
    }

    private static async Task Answer(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
