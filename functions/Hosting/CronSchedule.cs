namespace ReconnectionFunctions.Hosting;

/// <summary>
/// The six-field NCRONTAB schedules of <c>[TimerTrigger]</c> ("second minute hour day month
/// day-of-week", UTC), so the local server runs timers when the Functions host would.
/// Supports <c>*</c>, numbers, ranges <c>a-b</c>, steps <c>*/n</c> and <c>a-b/n</c>, and lists.
/// </summary>
public sealed class CronSchedule
{
    private readonly bool[] _seconds;
    private readonly bool[] _minutes;
    private readonly bool[] _hours;
    private readonly bool[] _days;
    private readonly bool[] _months;
    private readonly bool[] _weekdays;

    private CronSchedule(string expression, string[] fields)
    {
        Expression = expression;
        _seconds = Field(fields[0], 0, 59, expression);
        _minutes = Field(fields[1], 0, 59, expression);
        _hours = Field(fields[2], 0, 23, expression);
        _days = Field(fields[3], 1, 31, expression);
        _months = Field(fields[4], 1, 12, expression);
        _weekdays = Field(fields[5], 0, 6, expression);
    }

    public string Expression { get; }

    public static CronSchedule Parse(string expression)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6)
        {
            throw new FormatException($"'{expression}' is not a six-field NCRONTAB schedule (second minute hour day month day-of-week).");
        }
        return new CronSchedule(expression, fields);
    }

    /// <summary>The first whole second strictly after <paramref name="after"/> that the schedule names (UTC).</summary>
    public DateTimeOffset Next(DateTimeOffset after)
    {
        var t = after.ToUniversalTime();
        t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, TimeSpan.Zero).AddSeconds(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!_months[t.Month])
            {
                t = new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
            }
            else if (!_days[t.Day] || !_weekdays[(int)t.DayOfWeek])
            {
                t = new DateTimeOffset(t.Year, t.Month, t.Day, 0, 0, 0, TimeSpan.Zero).AddDays(1);
            }
            else if (!_hours[t.Hour])
            {
                t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
            }
            else if (!_minutes[t.Minute])
            {
                t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero).AddMinutes(1);
            }
            else if (!_seconds[t.Second])
            {
                t = t.AddSeconds(1);
            }
            else
            {
                return t;
            }
        }
        throw new InvalidOperationException($"The schedule '{Expression}' never fires.");
    }

    private static bool[] Field(string text, int min, int max, string expression)
    {
        var allowed = new bool[max + 1];
        foreach (var part in text.Split(','))
        {
            var (range, step) = part.Split('/') switch
            {
                [var r] => (r, 1),
                [var r, var s] when int.TryParse(s, out var n) && n > 0 => (r, n),
                _ => throw Bad(),
            };
            var (from, to) = range switch
            {
                "*" => (min, max),
                _ when range.Split('-') is [var a, var b] && int.TryParse(a, out var x) && int.TryParse(b, out var y) => (x, y),
                _ when int.TryParse(range, out var single) => (single, step > 1 ? max : single),
                _ => throw Bad(),
            };
            if (from < min || to > max || from > to)
            {
                throw Bad();
            }
            for (var value = from; value <= to; value += step)
            {
                allowed[value] = true;
            }
        }
        return allowed;

        FormatException Bad() => new($"'{text}' is not a valid field ({min}-{max}) in the schedule '{expression}'.");
    }
}
