namespace ReconnectionFunctions.OpenTok;

/// <summary>How a session's media flows: through OpenTok's media servers, or peer to peer.</summary>
public enum MediaMode
{
    /// <summary>Media goes through OpenTok's servers (<c>p2p.preference=disabled</c>); needed for archiving.</summary>
    Routed,

    /// <summary>Clients send media to each other where they can (<c>p2p.preference=enabled</c>).</summary>
    Relayed,
}

/// <summary>Whether a session is archived automatically.</summary>
public enum ArchiveMode
{
    Manual,
    Always,
}
