namespace ReconnectionFunctions.OpenTok;

/// <summary>The client token formats OpenTok accepts.</summary>
public enum TokenFormat
{
    /// <summary>Legacy <c>T1==</c> tokens: what the official .NET SDK still emits, accepted by every client.</summary>
    T1,

    /// <summary>HS256 JWTs, the default of the Node, Python, Java and PHP SDKs.</summary>
    Jwt,
}

/// <summary>What a client token grants and for how long.</summary>
public sealed record TokenOptions
{
    public Role Role { get; init; } = Role.Publisher;

    /// <summary>When the token stops admitting new connections; null means 24 hours after creation.</summary>
    public DateTimeOffset? ExpireTime { get; init; }

    /// <summary>Connection data other clients see (at most 1,000 characters).</summary>
    public string? Data { get; init; }

    /// <summary>Layout classes for composed archives and broadcasts.</summary>
    public IReadOnlyList<string>? InitialLayoutClassList { get; init; }
}

/// <summary>A minted client token and the facts a caller reports with it.</summary>
public readonly record struct ClientToken(string Value, Role Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
