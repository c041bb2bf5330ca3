using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace ReconnectionFunctions.Hosting;

/// <summary>
/// Reads duration settings as people write them: .NET parses "24:00:00" as 24 days, but the
/// contract (and anyone reading it) means 24 hours, so "hh:mm:ss" with any number of hours is hours.
/// Other forms ("1.00:00:00", "00:30:00") are ordinary TimeSpan text.
/// </summary>
public static partial class Durations
{
    /// <summary>The setting's value when it is in the hours form, else null (the binder's reading stands).</summary>
    public static TimeSpan? ReadHours(IConfiguration section, string key)
    {
        var match = HoursForm().Match(section[key] ?? "");
        return match.Success
            ? TimeSpan.FromHours(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))
                + TimeSpan.FromMinutes(int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
                + TimeSpan.FromSeconds(int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture))
            : null;
    }

    [GeneratedRegex(@"^\s*(\d{1,6}):([0-5]\d):([0-5]\d)\s*$")]
    private static partial Regex HoursForm();
}
