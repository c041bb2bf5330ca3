using ReconnectionFunctions.Hosting;

namespace ReconnectionFunctions.Tests.Hosting;

/// <summary>The NCRONTAB schedules timer functions declare, as the Functions host reads them.</summary>
public class CronScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 9, 59, 30, TimeSpan.Zero);

    [Theory]
    [InlineData("0 * * * * *", "2026-12-04T10:00:00Z")]
    [InlineData("*/10 * * * * *", "2026-12-04T09:59:40Z")]
    [InlineData("0 */5 * * * *", "2026-12-04T10:00:00Z")]
    [InlineData("0 30 9 * * *", "2026-12-05T09:30:00Z")]
    [InlineData("0 0 8-10 * * *", "2026-12-04T10:00:00Z")]
    [InlineData("0 0 0 1 1 *", "2027-01-01T00:00:00Z")]
    [InlineData("0 0 12 * * 1", "2026-12-07T12:00:00Z")]
    [InlineData("15,45 * * * * *", "2026-12-04T09:59:45Z")]
    [InlineData("0 0 0 29 2 *", "2028-02-29T00:00:00Z")]
    public void Next_is_the_first_matching_second_after(string schedule, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), CronSchedule.Parse(schedule).Next(Start));
    }

    [Theory]
    [InlineData("* * * * *")]
    [InlineData("60 * * * * *")]
    [InlineData("*/0 * * * * *")]
    [InlineData("5-1 * * * * *")]
    [InlineData("a * * * * *")]
    public void Malformed_schedules_are_refused(string schedule)
    {
        Assert.Throws<FormatException>(() => CronSchedule.Parse(schedule));
    }
}
