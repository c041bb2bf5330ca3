using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ReconnectionFunctions.OpenTok;

namespace ReconnectionFunctions.Credentials;

/// <summary>The <c>Tokens:*</c> settings: what callers may get, and the optional passcode gate.</summary>
public sealed class TokenPolicySettings
{
    public const string Section = "Tokens";
    public const int MinPasscodeLength = 8;

    public TimeSpan DefaultTtl { get; set; } = TimeSpan.FromHours(1);
    public TimeSpan MaxTtl { get; set; } = TimeSpan.FromHours(24);
    public Role MaxRole { get; set; } = Role.Publisher;
    public string? Passcode { get; set; }
}

public sealed class TokenPolicySettingsValidator : IValidateOptions<TokenPolicySettings>
{
    public ValidateOptionsResult Validate(string? name, TokenPolicySettings settings)
    {
        var failures = new List<string>();
        if (settings.MaxTtl <= TimeSpan.Zero || settings.MaxTtl > TokenGenerator.MaxLifetime)
        {
            failures.Add("Tokens:MaxTtl must be more than 0 and at most 30.00:00:00 (OpenTok's limit).");
        }
        if (settings.DefaultTtl < TimeSpan.FromSeconds(1) || settings.DefaultTtl > settings.MaxTtl)
        {
            failures.Add("Tokens:DefaultTtl must be at least 00:00:01 and at most Tokens:MaxTtl.");
        }
        if (!Enum.IsDefined(settings.MaxRole))
        {
            failures.Add($"Tokens:MaxRole must be one of {Roles.ValidNames}.");
        }
        var passcodeSet = !string.IsNullOrEmpty(settings.Passcode);
        if (passcodeSet && settings.Passcode!.Trim().Length < TokenPolicySettings.MinPasscodeLength)
        {
            failures.Add($"Tokens:Passcode must have at least {TokenPolicySettings.MinPasscodeLength} characters.");
        }
        if (settings.MaxRole == Role.Moderator && !passcodeSet)
        {
            failures.Add("Tokens:MaxRole=moderator needs Tokens:Passcode: moderator tokens are never handed to anonymous callers.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Applies the token settings: passcode check, role ceiling, lifetimes.</summary>
public sealed class TokenPolicy
{
    public const string PasscodeHeader = "X-Preview-Passcode";

    private readonly byte[]? _passcodeHash;

    public TokenPolicy(IOptions<TokenPolicySettings> options)
    {
        var settings = options.Value;
        DefaultTtl = settings.DefaultTtl;
        MaxTtl = settings.MaxTtl;
        MaxRole = settings.MaxRole;
        if (!string.IsNullOrEmpty(settings.Passcode))
        {
            _passcodeHash = SHA256.HashData(Encoding.UTF8.GetBytes(settings.Passcode));
        }
        DefaultRole = Allows(Role.Publisher) ? Role.Publisher : MaxRole;
    }

    public TimeSpan DefaultTtl { get; }
    public TimeSpan MaxTtl { get; }
    public Role MaxRole { get; }

    /// <summary>The role of a token nobody asked a role for: publisher, or the ceiling when that is lower.</summary>
    public Role DefaultRole { get; }

    public bool RequiresPasscode => _passcodeHash is not null;

    /// <summary>
    /// True when no passcode is configured, or the presented one matches. Both sides are hashed
    /// first so the comparison takes the same time whatever the length or content presented.
    /// </summary>
    public bool AdmitsPasscode(string? presented)
    {
        if (_passcodeHash is null)
        {
            return true;
        }
        var candidate = SHA256.HashData(Encoding.UTF8.GetBytes(presented ?? ""));
        return CryptographicOperations.FixedTimeEquals(candidate, _passcodeHash);
    }

    /// <summary>A role is allowed when everything it can do, the ceiling role can do too.</summary>
    public bool Allows(Role requested) => (Abilities(requested) & ~Abilities(MaxRole)) == 0;

    [Flags]
    private enum Ability
    {
        Subscribe = 1,
        Publish = 2,
        Moderate = 4,
    }

    private static Ability Abilities(Role role) => role switch
    {
        Role.Subscriber => Ability.Subscribe,
        Role.PublisherOnly => Ability.Publish,
        Role.Publisher => Ability.Subscribe | Ability.Publish,
        Role.Moderator => Ability.Subscribe | Ability.Publish | Ability.Moderate,
        _ => Ability.Subscribe | Ability.Publish | Ability.Moderate,
    };
}
