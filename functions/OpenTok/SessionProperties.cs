using System.Net;
using System.Net.Sockets;

namespace ReconnectionFunctions.OpenTok;

/// <summary>How a new session is created; the defaults are a routed session archived on demand.</summary>
public sealed record SessionProperties
{
    public MediaMode MediaMode { get; init; } = MediaMode.Routed;
    public ArchiveMode ArchiveMode { get; init; } = ArchiveMode.Manual;

    /// <summary>An IPv4 address hinting where the session's media server should be.</summary>
    public string? Location { get; init; }

    /// <summary>End-to-end encryption; needs routed media and manual archiving.</summary>
    public bool EndToEndEncryption { get; init; }

    /// <summary>The form body of <c>POST /session/create</c>, with <c>p2p.preference</c> always explicit.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToFormFields()
    {
        if (!Enum.IsDefined(MediaMode))
        {
            throw new OpenTokArgumentException("mediaMode", $"Unknown media mode: {(int)MediaMode}");
        }
        if (!Enum.IsDefined(ArchiveMode))
        {
            throw new OpenTokArgumentException("archiveMode", $"Unknown archive mode: {(int)ArchiveMode}");
        }
        if (ArchiveMode == ArchiveMode.Always && MediaMode != MediaMode.Routed)
        {
            throw new OpenTokArgumentException("archiveMode", "A session with always archive mode must also have the routed media mode.");
        }
        if (EndToEndEncryption && MediaMode != MediaMode.Routed)
        {
            throw new OpenTokArgumentException("endToEndEncryption", "End-to-end encryption needs the routed media mode.");
        }
        if (EndToEndEncryption && ArchiveMode == ArchiveMode.Always)
        {
            throw new OpenTokArgumentException("endToEndEncryption", "End-to-end encrypted sessions cannot be archived automatically.");
        }

        var fields = new List<KeyValuePair<string, string>>(4)
        {
            new("archiveMode", ArchiveMode == ArchiveMode.Always ? "always" : "manual"),
        };
        if (Location is not null)
        {
            if (!IPAddress.TryParse(Location, out var address) || address.AddressFamily != AddressFamily.InterNetwork
                || Location.Count(c => c == '.') != 3)
            {
                throw new OpenTokArgumentException("location", "The location must be an IPv4 address.");
            }
            fields.Add(new("location", Location));
        }
        if (EndToEndEncryption)
        {
            fields.Add(new("e2ee", "true"));
        }
        fields.Add(new("p2p.preference", MediaMode == MediaMode.Relayed ? "enabled" : "disabled"));
        return fields;
    }
}
