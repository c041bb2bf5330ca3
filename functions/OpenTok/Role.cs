namespace ReconnectionFunctions.OpenTok;

/// <summary>What a client token lets its holder do in a session.</summary>
public enum Role
{
    Publisher,
    Subscriber,
    Moderator,
    PublisherOnly,
}

/// <summary>The lower-case wire names OpenTok uses for roles.</summary>
public static class Roles
{
    public const string ValidNames = "publisher, subscriber, moderator, publisheronly";

    public static string ToWireName(this Role role) => role switch
    {
        Role.Publisher => "publisher",
        Role.Subscriber => "subscriber",
        Role.Moderator => "moderator",
        Role.PublisherOnly => "publisheronly",
        _ => throw new OpenTokArgumentException(nameof(role), $"Invalid role for token generation: {(int)role}"),
    };

    /// <summary>Reads a wire name; case-insensitive because settings and callers write "Publisher" too.</summary>
    public static bool TryParse(string? name, out Role role)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "publisher": role = Role.Publisher; return true;
            case "subscriber": role = Role.Subscriber; return true;
            case "moderator": role = Role.Moderator; return true;
            case "publisheronly": role = Role.PublisherOnly; return true;
            default: role = default; return false;
        }
    }
}
