using ReconnectionFunctions.OpenTok;

namespace ReconnectionFunctions.Tests.OpenTok;

/// <summary>The session ids listed in the protocol spec §1.1, decoded to the project they belong to.</summary>
public class SessionIdTests
{
    [Theory]
    [InlineData("1_MX4xMjM0NTZ-flNhdCBNYXIgMTUgMTQ6NDI6MjMgUERUIDIwMTR-MC40OTAxMzAyNX4", "123456")]
    [InlineData("1_MX42NTQzMjF-flNhdCBNYXIgMTUgMTQ6NDI6MjMgUERUIDIwMTR-MC40OTAxMzAyNX4", "654321")]
    [InlineData("1_MX4xMDB-MTI3LjAuMC4xflR1ZSBKYW4gMjggMTU6NDg6NDAgUFNUIDIwMTR-MC43NjAyOTYyfg", "100")]
    [InlineData("2_MX4xNzAxMjYzMX4xMjcuMC4wLjF-V2VkIEZlYiAyNiAxODo1NzoyNCBQU1QgMjAxNH4wLjU0MDU4ODc0fg", "17012631")]
    [InlineData("1_MX4xMjM0NTZ-fk1vbiBNYXIgMTcgMDA6NDE6MzEgUERUIDIwMTR-MC42ODM3ODk1MzQ0OTQyODA4fg", "123456")]
    [InlineData("1_MX40NzY2NTk3MX5-MTczOTUzODg5NDk1OX5ROW1jWEcxUXJOM1RJWXU4eStwcHgvZ3N-UH5-", "47665971")]
    [InlineData("1_MX4yOWY3NjBmOC03Y2UxLTQ2YzktYWRlMy1mMmRlZGVlNGVkNWZ-fjE3MjY0NjI1ODg2NDd-MTF4TGExYmJoelBlR1FHbVhzbWd4STBrfn5-", "29f760f8-7ce1-46c9-ade3-f2dedee4ed5f")]
    [InlineData("2_MX40NDQ0MzEyMn5-fn4", "44443122")]
    public void Known_session_ids_decode_to_their_project(string sessionId, string apiKey)
    {
        Assert.True(SessionIds.TryGetApiKey(sessionId, out var decoded));
        Assert.Equal(apiKey, decoded);
        Assert.True(SessionIds.BelongsTo(sessionId, apiKey));
        Assert.False(SessionIds.BelongsTo(sessionId, apiKey + "0"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1_")]
    [InlineData("1_A")]
    [InlineData("1_!!!!")]
    [InlineData("1_MX4xMjM0NTZ+flNhdCBNYXIg")]
    [InlineData("NOT A REAL SESSIONID")]
    [InlineData("1_bm8gdGlsZGVz")]
    public void Malformed_session_ids_do_not_decode(string? sessionId)
    {
        Assert.False(SessionIds.TryGetApiKey(sessionId, out _));
    }

    [Fact]
    public void Overlong_ids_are_not_decoded()
    {
        Assert.False(SessionIds.TryGetApiKey("1_" + new string('A', SessionIds.MaxLength), out _));
    }
}
