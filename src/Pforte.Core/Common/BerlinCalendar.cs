namespace Pforte.Core.Common;

/// <summary>
/// Calendar days as the Kasse and its insured persons count them: in Germany. "Today", an age and a date given by
/// an operator ("before 2026-01-01") all mean the day in Europe/Berlin, not in UTC or the server's zone.
/// </summary>
public static class BerlinCalendar
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    public static DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Zone).DateTime);
    }

    /// <summary>The instant the day begins in Germany (midnight CET or CEST).</summary>
    public static DateTimeOffset StartOfDay(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
