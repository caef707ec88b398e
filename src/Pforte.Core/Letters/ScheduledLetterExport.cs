using System.Globalization;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.Common;

namespace Pforte.Core.Letters;

/// <summary><c>Pforte:Letters</c>: the print service's hot folder, filled by the web host on a schedule.</summary>
public sealed class LetterExportOptions
{
    public const string Section = "Pforte:Letters";

    /// <summary>Folder the print service collects batches from; null switches the scheduled export off.</summary>
    public string? HotFolder { get; set; }

    /// <summary>How often a batch is handed over (Europe/Berlin clock, slots from midnight).</summary>
    public TimeSpan ExportEvery { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Letters per scheduled batch; what is left goes with the next slot.</summary>
    public int MaxLettersPerRun { get; set; } = 20_000;
}

/// <summary>
/// One scheduled hand-over into the hot folder per time slot for the whole installation: a job lease decides which
/// web process runs it; the export itself refuses letters that another run took (nothing is printed twice).
/// </summary>
public sealed class ScheduledLetterExport(ExportLetters export, JobLease lease, IOptions<LetterExportOptions> options, TimeProvider clock)
{
    public async Task<ExportLettersResult?> RunIfDueAsync(CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.HotFolder) || o.ExportEvery < TimeSpan.FromMinutes(1))
        {
            return null;
        }
        var local = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), BerlinCalendar.Zone);
        var slot = (int)(local.TimeOfDay.Ticks / o.ExportEvery.Ticks);
        Directory.CreateDirectory(o.HotFolder);
        // Busy (an operator's export is writing into the hot folder): try again at the next tick, without using up the
        // slot's lease. (If one starts between this check and the run, the run is refused and the slot waits for the next.)
        if (!ExportLetters.TryLockFolder(Path.GetFullPath(o.HotFolder)).TryGetValue(out var probe, out var locked))
        {
            return locked.Code == ErrorCodes.LetterExportFolderBusy ? null : throw new InvalidOperationException($"{locked.Code}: {locked.Message}");
        }
        await probe.DisposeAsync().ConfigureAwait(false);
        if (!await lease.TryStartAsync("letters-export:" + slot.ToString("D4", CultureInfo.InvariantCulture), DateOnly.FromDateTime(local.DateTime), cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        var result = await export.ExecuteAsync(new ExportLettersRequest(o.HotFolder, null, o.MaxLettersPerRun), AuditContext.System("letters-export"), cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.TryGetValue(out var done, out var error) ? done : throw new InvalidOperationException($"{error.Code}: {error.Message}");
    }
}
