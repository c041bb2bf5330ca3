namespace ReconnectionFunctions.Tests;

/// <summary>The OpenTok SDKs' shared test fixture: a made-up key, secret and session.</summary>
public static class Fixture
{
    public const string ApiKey = "123456";
    public const string ApiSecret = "1234567890abcdef1234567890abcdef1234567890";
    public const string SessionId = "1_MX4xMjM0NTZ-flNhdCBNYXIgMTUgMTQ6NDI6MjMgUERUIDIwMTR-MC40OTAxMzAyNX4";

    /// <summary>A session of another project (654321), for the belongs-to-key check.</summary>
    public const string OtherKeySessionId = "1_MX42NTQzMjF-flNhdCBNYXIgMTUgMTQ6NDI6MjMgUERUIDIwMTR-MC40OTAxMzAyNX4";
}
