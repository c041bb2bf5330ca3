using System.Buffers;

namespace ReconnectionFunctions.Credentials;

/// <summary>Room names: 1–64 characters of <c>A-Z a-z 0-9 . _ -</c>, compared case-sensitively.</summary>
public static class RoomNames
{
    public const int MaxLength = 64;

    /// <summary>The room <c>GET /api/session</c> serves when no fixed session is configured.</summary>
    public const string Default = "session";

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    /// <summary>Null when the name is valid, else why not.</summary>
    public static string? Problem(string? name) => name switch
    {
        null or "" => "A room name is required.",
        { Length: > MaxLength } => $"A room name has at most {MaxLength} characters; this one has {name.Length}.",
        _ when name.AsSpan().ContainsAnyExcept(Allowed) => "A room name may only contain the letters A-Z and a-z, digits, '.', '_' and '-'.",
        _ => null,
    };
}
