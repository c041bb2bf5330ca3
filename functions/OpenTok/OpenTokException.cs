namespace ReconnectionFunctions.OpenTok;

/// <summary>Base of every error this OpenTok library raises, so callers can catch one type.</summary>
public abstract class OpenTokException : Exception
{
    protected OpenTokException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>An argument was refused before anything was signed or sent.</summary>
public sealed class OpenTokArgumentException(string paramName, string message) : OpenTokException(message)
{
    /// <summary>The argument at fault, as the caller named it.</summary>
    public string ParamName { get; } = paramName;
}

/// <summary>OpenTok refused the API key and secret (HTTP 401 or 403).</summary>
public sealed class OpenTokAuthenticationException(int statusCode, string message, string? upstreamMessage = null)
    : OpenTokException(message)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>OpenTok's own words (e.g. "Invalid signature"), for operators' logs only.</summary>
    public string? UpstreamMessage { get; } = upstreamMessage;
}

/// <summary>OpenTok could not be reached, or answered with an error or a body we cannot read.</summary>
public sealed class OpenTokServiceException(int? statusCode, string message, Exception? inner = null, string? upstreamMessage = null)
    : OpenTokException(message, inner)
{
    /// <summary>The HTTP status OpenTok answered with; null when no answer came.</summary>
    public int? StatusCode { get; } = statusCode;

    /// <summary>OpenTok's own words, for operators' logs only.</summary>
    public string? UpstreamMessage { get; } = upstreamMessage;
}

/// <summary>OpenTok did not answer within the configured time.</summary>
public sealed class OpenTokTimeoutException(TimeSpan timeout)
    : OpenTokException($"OpenTok did not answer within {timeout.TotalSeconds:0.###} s.")
{
    public TimeSpan Timeout { get; } = timeout;
}
