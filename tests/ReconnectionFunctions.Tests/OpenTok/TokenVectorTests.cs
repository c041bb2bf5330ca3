using Microsoft.Extensions.Time.Testing;
using ReconnectionFunctions.OpenTok;

namespace ReconnectionFunctions.Tests.OpenTok;

/// <summary>The exact-bytes vectors of the protocol spec (§6.1 and §6.3), reproduced here.</summary>
public class TokenVectorTests
{
    private static TokenGenerator FixtureGenerator() =>
        new(Fixture.ApiKey, Fixture.ApiSecret, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1700000000)), () => 0.123456789);

    [Fact]
    public void Known_token_of_the_official_token_encoder_is_reproduced()
    {
        var token = T1Token.Encode(Fixture.ApiKey, Fixture.ApiSecret,
        [
            new("session_id", Fixture.SessionId),
            new("create_time", "1424221013"),
            new("nonce", "0.3942609881050885"),
            new("role", "moderator"),
            new("expire_time", "1424307413"),
            new("connection_data", "{\"name\":\"value\"}"),
        ]);

        Assert.Equal(
            "T1==cGFydG5lcl9pZD0xMjM0NTYmc2lnPWRmOTRhNjQ1NTlhY2MwNjFkN2EzNzUyYTZmYzY5NDkzZTkzOGMxOTE6c2Vzc2lvbl9pZD0xX01YNHhNak0wTlRaLWZsTmhkQ0JOWVhJZ01UVWdNVFE2TkRJNk1qTWdVRVJVSURJd01UUi1NQzQwT1RBeE16QXlOWDQmY3JlYXRlX3RpbWU9MTQyNDIyMTAxMyZub25jZT0wLjM5NDI2MDk4ODEwNTA4ODUmcm9sZT1tb2RlcmF0b3ImZXhwaXJlX3RpbWU9MTQyNDMwNzQxMyZjb25uZWN0aW9uX2RhdGE9JTdCJTIybmFtZSUyMiUzQSUyMnZhbHVlJTIyJTdE",
            token);
    }

    [Fact]
    public void T1_token_with_defaults_matches_the_node_sdk()
    {
        var token = FixtureGenerator().GenerateT1Token(Fixture.SessionId);

        Assert.Equal(
            "T1==cGFydG5lcl9pZD0xMjM0NTYmc2lnPWE2NzU2YThjNWFkYWQ5MDlmYmI0NTUzNzAxOGEzYzU2YjVkYTYyNjA6c2Vzc2lvbl9pZD0xX01YNHhNak0wTlRaLWZsTmhkQ0JOWVhJZ01UVWdNVFE2TkRJNk1qTWdVRVJVSURJd01UUi1NQzQwT1RBeE16QXlOWDQmY3JlYXRlX3RpbWU9MTcwMDAwMDAwMCZub25jZT0wLjEyMzQ1Njc4OSZyb2xlPXB1Ymxpc2hlciZleHBpcmVfdGltZT0xNzAwMDg2NDAwJmluaXRpYWxfbGF5b3V0X2NsYXNzX2xpc3Q9JnNjb3BlPXNlc3Npb24uY29ubmVjdA==",
            token.Value);
        Assert.Equal(Role.Publisher, token.Role);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700086400), token.ExpiresAt);
    }

    [Fact]
    public void T1_token_with_every_option_matches_the_node_sdk()
    {
        var token = FixtureGenerator().GenerateT1Token(Fixture.SessionId, new TokenOptions
        {
            Role = Role.Subscriber,
            ExpireTime = DateTimeOffset.FromUnixTimeSeconds(1700003600),
            Data = "name=Johnny & co/ü",
            InitialLayoutClassList = ["focus", "inactive"],
        });

        Assert.Equal(
            "T1==cGFydG5lcl9pZD0xMjM0NTYmc2lnPWQ4YzI4ODhjZDgxZjc5MGJiMTRjYTkxYTNiNjMwMGUxNDExMTI2Mzg6c2Vzc2lvbl9pZD0xX01YNHhNak0wTlRaLWZsTmhkQ0JOWVhJZ01UVWdNVFE2TkRJNk1qTWdVRVJVSURJd01UUi1NQzQwT1RBeE16QXlOWDQmY3JlYXRlX3RpbWU9MTcwMDAwMDAwMCZub25jZT0wLjEyMzQ1Njc4OSZyb2xlPXN1YnNjcmliZXImZXhwaXJlX3RpbWU9MTcwMDAwMzYwMCZjb25uZWN0aW9uX2RhdGE9bmFtZSUzREpvaG5ueSUyMCUyNiUyMGNvJTJGJUMzJUJDJmluaXRpYWxfbGF5b3V0X2NsYXNzX2xpc3Q9Zm9jdXMlMjBpbmFjdGl2ZSZzY29wZT1zZXNzaW9uLmNvbm5lY3Q=",
            token.Value);
    }

    [Fact]
    public void Jwt_token_with_defaults_matches_the_node_sdk()
    {
        var token = FixtureGenerator().GenerateJwtToken(Fixture.SessionId);

        Assert.Equal(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiIxMjM0NTYiLCJpc3QiOiJwcm9qZWN0IiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwODY0MDAsInNlc3Npb25faWQiOiIxX01YNHhNak0wTlRaLWZsTmhkQ0JOWVhJZ01UVWdNVFE2TkRJNk1qTWdVRVJVSURJd01UUi1NQzQwT1RBeE16QXlOWDQiLCJjcmVhdGVfdGltZSI6MTcwMDAwMDAwMCwibm9uY2UiOjAuMTIzNDU2Nzg5LCJyb2xlIjoicHVibGlzaGVyIiwiZXhwaXJlX3RpbWUiOjE3MDAwODY0MDAsImluaXRpYWxfbGF5b3V0X2NsYXNzX2xpc3QiOiIiLCJzY29wZSI6InNlc3Npb24uY29ubmVjdCJ9.-YKxRptyozRmRbJGRrixD7W9EQ3Jr9hfu4KHw-UbVZc",
            token.Value);
    }

    [Fact]
    public void Jwt_token_with_every_option_matches_the_node_sdk()
    {
        var token = FixtureGenerator().GenerateJwtToken(Fixture.SessionId, new TokenOptions
        {
            Role = Role.Moderator,
            ExpireTime = DateTimeOffset.FromUnixTimeSeconds(1700003600),
            Data = "name=Johnny",
            InitialLayoutClassList = ["focus", "inactive"],
        });

        Assert.Equal(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiIxMjM0NTYiLCJpc3QiOiJwcm9qZWN0IiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDM2MDAsInNlc3Npb25faWQiOiIxX01YNHhNak0wTlRaLWZsTmhkQ0JOWVhJZ01UVWdNVFE2TkRJNk1qTWdVRVJVSURJd01UUi1NQzQwT1RBeE16QXlOWDQiLCJjcmVhdGVfdGltZSI6MTcwMDAwMDAwMCwibm9uY2UiOjAuMTIzNDU2Nzg5LCJyb2xlIjoibW9kZXJhdG9yIiwiZXhwaXJlX3RpbWUiOjE3MDAwMDM2MDAsImNvbm5lY3Rpb25fZGF0YSI6Im5hbWU9Sm9obm55IiwiaW5pdGlhbF9sYXlvdXRfY2xhc3NfbGlzdCI6ImZvY3VzIGluYWN0aXZlIiwic2NvcGUiOiJzZXNzaW9uLmNvbm5lY3QifQ.lVmGJcis6TZKcjlNqm7VOblgWicEcxGKknP-_zuLYls",
            token.Value);
    }

    [Fact]
    public void Rest_auth_token_matches_the_node_sdk()
    {
        Assert.Equal(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiIxMjM0NTYiLCJpc3QiOiJwcm9qZWN0IiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDAzMDB9.NQ-QKS1mi_SRiz9UkEOgEMA-B0HKdwkIkLGxWz7g9vI",
            FixtureGenerator().GenerateRestAuthToken());
    }

    [Fact]
    public void Escaping_matches_node_querystring_escape()
    {
        Assert.Equal("!'()*~-._%20%2B%2F%3D%26%C3%BC", FormEncoding.Escape("!'()*~-._ +/=&ü"));
        Assert.Equal("%F0%9F%8E%A5", FormEncoding.Escape("🎥"));
    }
}
