using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using ReconnectionFunctions.Credentials;
using ReconnectionFunctions.Notifications;
using ReconnectionFunctions.OpenTok;
using ReconnectionFunctions.PreviewProgram;

namespace ReconnectionFunctions.Tests.Hostile;

/// <summary>
/// Properties over generated input: every token the minter accepts decodes back to its inputs,
/// everything it refuses is an argument error, and the validators never throw, whatever they get.
/// </summary>
public class PropertyTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(400);

    /// <summary>Any text at all: ASCII, control characters, other scripts, emoji, lone surrogates.</summary>
    private static readonly Gen<string> AnyText = Gen.OneOf(
        ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""),
        Gen.Elements("", " ", "\r\n", "\0", "&=:%", "名前", "🎥📞", "\uD800", "\uDFFF x", "a\u2028b", "<script>", "'\"", "%ZZ", "+ +", new string('x', 1001)),
        Gen.ArrayOf(Gen.Choose(0, 0x10FFFF).Where(c => c is < 0xD800 or > 0xDFFF).Select(char.ConvertFromUtf32)).Select(string.Concat));

    /// <summary>Text the minter must accept: well-formed Unicode, at most 1,000 characters.</summary>
    private static readonly Gen<string> ValidData = AnyText.Where(s => s.Length <= 1000 && FormEncoding.IsEncodable(s));

    private static readonly Gen<string> LayoutClass = AnyText.Where(s => s.Length is > 0 and < 40 && !s.Any(char.IsWhiteSpace) && FormEncoding.IsEncodable(s));

    private static TokenGenerator Generator() => new(Fixture.ApiKey, Fixture.ApiSecret, new FakeTimeProvider(Now));

    private sealed record Inputs(Role Role, long Lifetime, string? Data, string[] Layout);

    private static readonly Gen<Inputs> ValidInputs =
        from role in Gen.Elements(Role.Publisher, Role.Subscriber, Role.Moderator, Role.PublisherOnly)
        from lifetime in Gen.Choose(1, 30 * 24 * 3600)
        from data in Gen.OneOf(Gen.Constant<string?>(null), ValidData.Select(d => (string?)d))
        from layout in Gen.ArrayOf(LayoutClass).Where(l => string.Join(' ', l).Length <= 1000)
        select new Inputs(role, lifetime, data, layout);

    [Fact]
    public void Every_t1_token_the_minter_accepts_decodes_back_to_its_inputs()
    {
        Prop.ForAll(ValidInputs.ToArbitrary(), inputs =>
        {
            var token = Generator().GenerateT1Token(Fixture.SessionId, TokenOptionsOf(inputs));
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token.Value[4..]));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            var header = QueryHelpers.ParseQuery(decoded[..colon]);
            var fields = QueryHelpers.ParseQuery(decoded[(colon + 1)..]);
            var signature = Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Fixture.ApiSecret), Encoding.UTF8.GetBytes(decoded[(colon + 1)..])));
            return header["sig"] == signature
                && fields["session_id"] == Fixture.SessionId
                && fields["role"] == inputs.Role.ToWireName()
                && fields["create_time"] == Now.ToUnixTimeSeconds().ToString()
                && fields["expire_time"] == (Now.ToUnixTimeSeconds() + inputs.Lifetime).ToString()
                && (inputs.Data is null ? !fields.ContainsKey("connection_data") : fields["connection_data"] == inputs.Data)
                && fields["initial_layout_class_list"] == string.Join(' ', inputs.Layout)
                && token.ExpiresAt == Now.AddSeconds(inputs.Lifetime);
        }).Check(Runs);
    }

    [Fact]
    public void Every_jwt_token_the_minter_accepts_decodes_back_to_its_inputs()
    {
        Prop.ForAll(ValidInputs.ToArbitrary(), inputs =>
        {
            var token = Generator().GenerateJwtToken(Fixture.SessionId, TokenOptionsOf(inputs));
            var jwt = new JsonWebToken(token.Value);
            var parts = token.Value.Split('.');
            var signature = System.Buffers.Text.Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Fixture.ApiSecret), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1])));
            return parts[2] == signature
                && jwt.GetPayloadValue<string>("iss") == Fixture.ApiKey
                && jwt.GetPayloadValue<string>("session_id") == Fixture.SessionId
                && jwt.GetPayloadValue<string>("role") == inputs.Role.ToWireName()
                && jwt.GetPayloadValue<long>("exp") == Now.ToUnixTimeSeconds() + inputs.Lifetime
                && (inputs.Data is null ? !jwt.TryGetPayloadValue<string>("connection_data", out _) : jwt.GetPayloadValue<string>("connection_data") == inputs.Data)
                && jwt.GetPayloadValue<string>("initial_layout_class_list") == string.Join(' ', inputs.Layout);
        }).Check(Runs);
    }

    [Fact]
    public void Whatever_the_minter_gets_it_mints_or_refuses_with_an_argument_error()
    {
        var anything =
            from sessionId in Gen.OneOf(Gen.Constant(Fixture.SessionId), Gen.Constant(Fixture.OtherKeySessionId), AnyText)
            from role in Gen.Choose(-2, 6)
            from lifetime in Gen.Choose(-100_000, 40 * 24 * 3600)
            from data in Gen.OneOf(Gen.Constant<string?>(null), AnyText.Select(d => (string?)d))
            from layout in Gen.OneOf(Gen.Constant<string[]?>(null), Gen.ArrayOf(AnyText).Select(l => (string[]?)l))
            from jwt in ArbMap.Default.GeneratorFor<bool>()
            select (sessionId, role, lifetime, data, layout, jwt);

        Prop.ForAll(anything.ToArbitrary(), input =>
        {
            var options = new TokenOptions { Role = (Role)input.role, ExpireTime = Now.AddSeconds(input.lifetime), Data = input.data, InitialLayoutClassList = input.layout };
            try
            {
                var token = Generator().GenerateToken(input.sessionId, options, input.jwt ? TokenFormat.Jwt : TokenFormat.T1);
                return token.Value.Length > 0;
            }
            catch (OpenTokArgumentException e)
            {
                return e.Message.Length > 0 && e.ParamName.Length > 0;
            }
        }).Check(Runs);
    }

    [Fact]
    public void Session_ids_room_names_and_subject_text_never_throw()
    {
        Prop.ForAll(AnyText.ToArbitrary(), text =>
        {
            SessionIds.TryGetApiKey(text, out _);
            _ = RoomNames.Problem(text);
            var line = MailText.OneLine(text, 60);
            _ = MailAddresses.IsPlain(text);
            return line.Length <= 60 && !line.Contains('\r') && !line.Contains('\n');
        }).Check(Runs);
    }

    [Fact]
    public void The_submission_validator_never_throws_on_any_json_object_or_form()
    {
        var validator = new SubmissionValidator(Options.Create(new OpenTokSettings { ApiKey = Fixture.ApiKey, ApiSecret = Fixture.ApiSecret }));
        var names = Forms.All.SelectMany(f => f.Fields.Select(x => x.Name)).Append("website").Append("unknown").Distinct().ToArray();
        var jsonValue = Gen.OneOf(
            AnyText.Select(t => JsonSerializer.Serialize(t)),
            Gen.Elements("true", "false", "null", "0", "-1.5e300", "[]", "{}", "[\"ios\",\"beos\",1]", "[null]", "\"\\ud800\""),
            Gen.ArrayOf(AnyText).Select(a => JsonSerializer.Serialize(a)));
        var jsonObject =
            from pairs in Gen.ArrayOf(Gen.Zip(Gen.Elements(names), jsonValue))
            select "{" + string.Join(",", pairs.Select(p => JsonSerializer.Serialize(p.Item1) + ":" + p.Item2)) + "}";
        var form = Gen.ArrayOf(Gen.Zip(Gen.OneOf(Gen.Elements(names), AnyText), AnyText));

        Prop.ForAll(Gen.Zip(jsonObject, form).ToArbitrary(), input =>
        {
            foreach (var kind in Forms.All)
            {
                using var document = JsonDocument.Parse(input.Item1);
                var fromJson = validator.FromJson(kind, document.RootElement);
                var fields = input.Item2.GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => new StringValues([.. g.Select(p => p.Item2)]));
                var fromForm = validator.FromForm(kind, fields);
                if ((fromJson.Submission is null) == (fromJson.Errors.Count == 0 && !fromJson.IsHoneypot)
                    || (fromForm.Submission is null) == (fromForm.Errors.Count == 0 && !fromForm.IsHoneypot))
                {
                    return false;
                }
            }
            return true;
        }).Check(Runs);
    }

    [Fact]
    public void Token_request_review_never_throws_and_grants_only_within_policy()
    {
        var policy = new TokenPolicy(Options.Create(new TokenPolicySettings()));
        var request =
            from sessionId in Gen.OneOf(Gen.Constant<string?>(null), Gen.Constant<string?>(Fixture.SessionId), AnyText.Select(t => (string?)t))
            from room in Gen.OneOf(Gen.Constant<string?>(null), Gen.Constant<string?>("demo"), AnyText.Select(t => (string?)t))
            from role in Gen.OneOf(Gen.Constant<string?>(null), Gen.Elements<string?>("publisher", "SUBSCRIBER", "moderator", "publisheronly", "admin"), AnyText.Select(t => (string?)t))
            from data in Gen.OneOf(Gen.Constant<string?>(null), AnyText.Select(t => (string?)t))
            from seconds in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(int.MinValue, int.MaxValue).Select(s => (int?)s))
            from layout in Gen.OneOf(Gen.Constant<List<string>?>(null), Gen.ListOf(AnyText).Select(l => (List<string>?)l.ToList()))
            select new TokenRequest { SessionId = sessionId, Room = room, Role = role, Data = data, ExpiresInSeconds = seconds, InitialLayoutClassList = layout };

        Prop.ForAll(request.ToArbitrary(), tokenRequest =>
        {
            var grant = tokenRequest.Review(policy, id => SessionIds.BelongsTo(id, Fixture.ApiKey), out var errors);
            return grant is null
                ? errors.Count > 0
                : errors.Count == 0 && policy.Allows(grant.Role) && grant.Ttl > TimeSpan.Zero && grant.Ttl <= policy.MaxTtl;
        }).Check(Runs);
    }

    private static TokenOptions TokenOptionsOf(Inputs inputs) => new()
    {
        Role = inputs.Role,
        ExpireTime = Now.AddSeconds(inputs.Lifetime),
        Data = inputs.Data,
        InitialLayoutClassList = inputs.Layout,
    };
}
