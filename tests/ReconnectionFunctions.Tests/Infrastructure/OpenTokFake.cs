using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ReconnectionFunctions.Tests.Infrastructure;

/// <summary>
/// A loopback stand-in for OpenTok's <c>POST /session/create</c>. It checks what OpenTok checks:
/// the <c>X-OPENTOK-AUTH</c> JWT (HS256 under the project's secret, issuer the API key,
/// <c>ist=project</c>, issued not in the future, at most 5 minutes long) with an independent JWT
/// library, and the form body; it answers in the documented JSON shape, or as a test tells it to.
/// </summary>
public sealed class OpenTokFake : IAsyncDisposable
{
    private LoopbackServer _server = null!;
    private readonly string _apiKey;
    private readonly string _apiSecret;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<string> _created = new();
    private readonly ConcurrentQueue<string> _refusals = new();
    private readonly ConcurrentQueue<IFormCollection> _forms = new();
    private TaskCompletionSource _createsReleased = CompletedSource();
    private int _createsToHold;
    private int _createsWaiting;

    private OpenTokFake(string apiKey, string apiSecret, TimeProvider time)
    {
        _apiKey = apiKey;
        _apiSecret = apiSecret;
        _time = time;
    }

    public Uri ApiUrl => _server.Address;

    /// <summary>Session ids handed out, in order.</summary>
    public IReadOnlyCollection<string> Created => _created;

    /// <summary>Why requests were refused (bad JWT, bad form): empty when the service behaved.</summary>
    public IReadOnlyCollection<string> Refusals => _refusals;

    public IReadOnlyCollection<IFormCollection> Forms => _forms;

    /// <summary>When set, every request gets this status and body instead of a session.</summary>
    public (int Status, string Body)? Failure { get; set; }

    /// <summary>When true, requests are held until the caller gives up; <see cref="RequestArrived"/> fires.</summary>
    public bool Hang { get; set; }

    public TaskCompletionSource RequestArrived { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly List<(int Count, TaskCompletionSource Reached)> _requestWaiters = [];
    private int _requests;

    /// <summary>Completes once <paramref name="count"/> requests have arrived (answered or not).</summary>
    public Task WaitForRequestsAsync(int count, CancellationToken cancellationToken)
    {
        lock (_requestWaiters)
        {
            if (_requests >= count)
            {
                return Task.CompletedTask;
            }
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _requestWaiters.Add((count, reached));
            return reached.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Holds valid create requests until <paramref name="count"/> of them have arrived, then answers them all.</summary>
    public void HoldCreatesUntil(int count)
    {
        _createsToHold = count;
        _createsWaiting = 0;
        _createsReleased = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public static async Task<OpenTokFake> StartAsync(string apiKey, string apiSecret, TimeProvider? time = null)
    {
        var fake = new OpenTokFake(apiKey, apiSecret, time ?? TimeProvider.System);
        fake._server = await LoopbackServer.StartAsync("/session/create", fake.CreateSessionAsync);
        return fake;
    }

    private async Task CreateSessionAsync(HttpContext context)
    {
        RequestArrived.TrySetResult();
        lock (_requestWaiters)
        {
            _requests++;
            foreach (var waiter in _requestWaiters.Where(w => _requests >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                _requestWaiters.Remove(waiter);
            }
        }
        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }
        if (Failure is { } failure)
        {
            await Answer(context, failure.Status, failure.Body);
            return;
        }

        var authFailure = await CheckAuthAsync(context.Request.Headers["X-OPENTOK-AUTH"].ToString());
        if (authFailure is not null)
        {
            _refusals.Enqueue(authFailure);
            await Answer(context, 403, $$"""{"code":-1,"message":"{{authFailure}}","description":"{{authFailure}}"}""");
            return;
        }
        if (!context.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.Ordinal))
        {
            _refusals.Enqueue("no Accept: application/json (OpenTok would answer XML)");
            await Answer(context, 406, """{"code":-1,"message":"not acceptable"}""");
            return;
        }
        if (!context.Request.HasFormContentType)
        {
            _refusals.Enqueue("body is not form-encoded");
            await Answer(context, 400, """{"code":-1,"message":"bad content type"}""");
            return;
        }
        var form = await context.Request.ReadFormAsync();
        _forms.Enqueue(form);
        if (CheckForm(form) is { } formFailure)
        {
            _refusals.Enqueue(formFailure);
            await Answer(context, 400, $$"""{"code":-1,"message":"{{formFailure}}"}""");
            return;
        }

        if (_createsToHold > 0)
        {
            if (Interlocked.Increment(ref _createsWaiting) >= _createsToHold)
            {
                _createsReleased.TrySetResult();
            }
            await _createsReleased.Task.WaitAsync(context.RequestAborted);
        }

        var sessionId = NewSessionId();
        _created.Enqueue(sessionId);
        await Answer(context, 200,
            $$"""[{"session_id":"{{sessionId}}","project_id":"{{_apiKey}}","partner_id":"{{_apiKey}}","create_dt":"Fri Dec 04 10:00:00 PST 2026","media_server_url":""}]""");
    }

    private async Task<string?> CheckAuthAsync(string jwt)
    {
        if (string.IsNullOrEmpty(jwt))
        {
            return "Missing X-OPENTOK-AUTH";
        }
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_apiSecret)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidIssuer = _apiKey,
            ValidateAudience = false,
            ValidateLifetime = false, // checked below against the shared clock
        });
        if (!result.IsValid)
        {
            return result.Exception is SecurityTokenInvalidIssuerException ? "Issuer not found" : "Invalid signature";
        }
        var token = (JsonWebToken)result.SecurityToken;
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (!token.TryGetPayloadValue<string>("ist", out var ist) || ist != "project")
        {
            return "Invalid signature";
        }
        if (!token.TryGetPayloadValue<long>("iat", out var iat) || !token.TryGetPayloadValue<long>("exp", out var exp))
        {
            return "iat and exp are required";
        }
        if (iat > now)
        {
            return "issued time cannot be greater than current time";
        }
        if (exp <= now || exp - iat > 300)
        {
            return "Token expired or lasts more than 5 minutes";
        }
        return null;
    }

    private static string? CheckForm(IFormCollection form)
    {
        var known = new HashSet<string> { "p2p.preference", "archiveMode", "location", "e2ee", "archiveName", "archiveResolution" };
        if (form.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            return $"unknown parameter {unknown}";
        }
        var p2p = form["p2p.preference"].ToString();
        if (p2p is not ("enabled" or "disabled"))
        {
            return "p2p.preference must be enabled or disabled";
        }
        var archive = form["archiveMode"].ToString();
        if (archive is not ("" or "manual" or "always"))
        {
            return "archiveMode must be manual or always";
        }
        if (archive == "always" && p2p != "disabled")
        {
            return "always archived sessions must be routed";
        }
        if (form.ContainsKey("location") && !(IPAddress.TryParse(form["location"], out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork))
        {
            return "location must be IPv4";
        }
        if (form.TryGetValue("e2ee", out var e2ee) && e2ee != "true" && e2ee != "false")
        {
            return "e2ee must be true or false";
        }
        return null;
    }

    /// <summary>A session id in OpenTok's shape: "1_" + unpadded URL-safe base64 of "1~KEY~~TIME~RANDOM~".</summary>
    private string NewSessionId()
    {
        var fields = $"1~{_apiKey}~~{_time.GetUtcNow().ToUnixTimeMilliseconds()}~{Guid.NewGuid():N}~P~~";
        return "1_" + Convert.ToBase64String(Encoding.ASCII.GetBytes(fields)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static async Task Answer(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
