using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using ReconnectionFunctions.OpenTok;

namespace ReconnectionFunctions.Tests.OpenTok;

/// <summary>The argument checks of the protocol spec §2.4, each refused before anything is signed.</summary>
public class TokenGeneratorTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1700000000);
    private readonly TokenGenerator _generator = new(Fixture.ApiKey, Fixture.ApiSecret, new FakeTimeProvider(Now));

    [Theory]
    [InlineData(null, "without a session id")]
    [InlineData("", "without a session id")]
    [InlineData("NOT A REAL SESSIONID", "not a valid OpenTok session id")]
    [InlineData("blahblahblah", "not a valid OpenTok session id")]
    [InlineData("1_", "not a valid OpenTok session id")]
    [InlineData(Fixture.OtherKeySessionId, "belongs to the API key")]
    public void Session_ids_that_cannot_be_used_are_refused(string? sessionId, string because)
    {
        foreach (var format in new[] { TokenFormat.T1, TokenFormat.Jwt })
        {
            var error = Assert.Throws<OpenTokArgumentException>(() => _generator.GenerateToken(sessionId!, null, format));
            Assert.Equal("sessionId", error.ParamName);
            Assert.Contains(because, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_undefined_role_is_refused()
    {
        var error = Assert.Throws<OpenTokArgumentException>(() =>
            _generator.GenerateT1Token(Fixture.SessionId, new TokenOptions { Role = (Role)42 }));
        Assert.Equal("role", error.ParamName);
        Assert.Equal("Invalid role for token generation: 42", error.Message);
    }

    [Theory]
    [InlineData(-3600)]
    [InlineData(0)]
    [InlineData(0.5)]
    public void An_expire_time_not_in_the_future_is_refused(double secondsFromNow)
    {
        var error = Assert.Throws<OpenTokArgumentException>(() =>
            _generator.GenerateJwtToken(Fixture.SessionId, new TokenOptions { ExpireTime = Now.AddSeconds(secondsFromNow) }));
        Assert.Equal("expireTime", error.ParamName);
        Assert.StartsWith("Expire time must be in the future", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expire_time_beyond_30_days_is_refused_and_30_days_is_accepted()
    {
        var error = Assert.Throws<OpenTokArgumentException>(() =>
            _generator.GenerateT1Token(Fixture.SessionId, new TokenOptions { ExpireTime = Now.AddDays(30).AddSeconds(1) }));
        Assert.Equal("expireTime", error.ParamName);
        Assert.StartsWith("Expire time must be within the next 30 days", error.Message, StringComparison.Ordinal);

        var token = _generator.GenerateT1Token(Fixture.SessionId, new TokenOptions { ExpireTime = Now.AddDays(30) });
        Assert.Equal(Now.AddDays(30), token.ExpiresAt);
    }

    [Fact]
    public void Connection_data_over_1000_characters_is_refused_and_1000_is_accepted()
    {
        var error = Assert.Throws<OpenTokArgumentException>(() =>
            _generator.GenerateT1Token(Fixture.SessionId, new TokenOptions { Data = new string('x', 1001) }));
        Assert.Equal("data", error.ParamName);
        Assert.Contains("at most 1000 characters; it has 1001", error.Message, StringComparison.Ordinal);

        Assert.StartsWith("T1==", _generator.GenerateT1Token(Fixture.SessionId, new TokenOptions { Data = new string('x', 1000) }).Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_data_with_a_lone_surrogate_is_refused()
    {
        var error = Assert.Throws<OpenTokArgumentException>(() =>
            _generator.GenerateJwtToken(Fixture.SessionId, new TokenOptions { Data = "abc\uD800def" }));
        Assert.Equal("data", error.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    public void Layout_classes_must_be_single_words(string name)
    {
        var error = Assert.Throws<OpenTokArgumentException>(() =>
            _generator.GenerateT1Token(Fixture.SessionId, new TokenOptions { InitialLayoutClassList = ["focus", name] }));
        Assert.Equal("initialLayoutClassList", error.ParamName);
    }

    [Fact]
    public void A_layout_class_list_over_1000_characters_is_refused()
    {
        var error = Assert.Throws<OpenTokArgumentException>(() =>
            _generator.GenerateT1Token(Fixture.SessionId, new TokenOptions { InitialLayoutClassList = [new string('a', 600), new string('b', 400)] }));
        Assert.Equal("initialLayoutClassList", error.ParamName);
        Assert.Contains("it has 1001", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void T1_tokens_sign_their_data_with_hmac_sha1_of_the_secret()
    {
        var token = _generator.GenerateT1Token(Fixture.SessionId, new TokenOptions { Role = Role.PublisherOnly, Data = "user: Zoë & co" });
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token.Value["T1==".Length..]));
        var separator = decoded.IndexOf(':', StringComparison.Ordinal);
        var header = decoded[..separator];
        var data = decoded[(separator + 1)..];

        var expected = Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Fixture.ApiSecret), Encoding.UTF8.GetBytes(data)));
        Assert.Equal($"partner_id={Fixture.ApiKey}&sig={expected}", header);
        Assert.Contains("&role=publisheronly&", data, StringComparison.Ordinal);
        Assert.Contains("&connection_data=user%3A%20Zo%C3%AB%20%26%20co&", data, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_token_gets_a_fresh_nonce()
    {
        var generator = new TokenGenerator(Fixture.ApiKey, Fixture.ApiSecret, new FakeTimeProvider(Now));
        var tokens = Enumerable.Range(0, 50).Select(_ => generator.GenerateT1Token(Fixture.SessionId).Value).ToHashSet();
        Assert.Equal(50, tokens.Count);
    }

    [Fact]
    public void Credentials_are_required()
    {
        Assert.Equal("apiKey", Assert.Throws<OpenTokArgumentException>(() => new TokenGenerator("", Fixture.ApiSecret)).ParamName);
        Assert.Equal("apiSecret", Assert.Throws<OpenTokArgumentException>(() => new TokenGenerator(Fixture.ApiKey, "")).ParamName);
    }
}
