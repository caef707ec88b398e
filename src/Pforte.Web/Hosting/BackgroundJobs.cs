using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;

namespace Pforte.Web.Hosting;

/// <summary>
/// The web host's scheduled work: the daily code issue run at <c>Pforte:AuthCodes:DailyIssueAt</c> (Europe/Berlin;
/// exactly one process per day runs it, decided by a job lease in the database; moves reported ahead in the portal
/// take effect first), the hand-over of letters into the
/// print service's hot folder (<c>Pforte:Letters:HotFolder</c>, one run per slot), the failure-rate watch every
/// 15 seconds, the purge of old source failures, and once a day the mailbox's retention purge. <c>Pforte:Jobs:Enabled=false</c> switches all of it off
/// (tests, or nodes that should only serve requests).
/// </summary>
public sealed class BackgroundJobs(IServiceScopeFactory scopes, IOptions<AuthCodeOptions> options, IConfiguration configuration, TimeProvider clock, ILogger<BackgroundJobs> logger) : BackgroundService
{
    public const string DailyIssueJob = "issue-due";
    public const string MailboxPurgeJob = "mailbox-purge";
    public const string AuditVerifyJob = "audit-verify";
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Pforte:Jobs:Enabled", true))
        {
            logger.LogInformation("Hintergrundaufgaben sind abgeschaltet (Pforte:Jobs:Enabled=false).");
            return;
        }
        var ticks = 0L;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var tick = PforteTelemetry.StartJob("tick");
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<FailureRateMonitor>().CheckAsync(stoppingToken).ConfigureAwait(false);
                if (ticks % 4 == 0)
                {
                    // Once a minute: the installation's figures for /metrics and the alert rules (ops/prometheus).
                    await scope.ServiceProvider.GetRequiredService<OperationsMonitor>().RefreshAsync(stoppingToken).ConfigureAwait(false);
                }
                if (ticks++ % 20 == 0)
                {
                    await scope.ServiceProvider.GetRequiredService<SourceThrottle>().PurgeAsync(stoppingToken).ConfigureAwait(false);
                    await scope.ServiceProvider.GetRequiredService<Pforte.Core.Ivr.IvrDialogue>().PurgeAsync(stoppingToken).ConfigureAwait(false);
                }
                await RunDailyIssueIfDueAsync(stoppingToken).ConfigureAwait(false);
                await RunMailboxPurgeIfDueAsync(stoppingToken).ConfigureAwait(false);
                await RunAuditVerificationIfDueAsync(stoppingToken).ConfigureAwait(false);
                await using (var exportScope = scopes.CreateAsyncScope())
                {
                    if (await exportScope.ServiceProvider.GetRequiredService<Pforte.Core.Letters.ScheduledLetterExport>().RunIfDueAsync(stoppingToken).ConfigureAwait(false) is { Letters: > 0 } exported)
                    {
                        // Counts as German text (de-DE, singular/plural), the same words as the CLI's; one line per Kasse's batch.
                        logger.LogInformation("Druckübergabe in den Übergabeordner: {Summary}.", Pforte.Core.Letters.LetterCounts.Summary(exported));
                        foreach (var batch in exported.Batches)
                        {
                            logger.LogInformation("Stapel {BatchId} der Kasse {Ik}: {Letters} → {Folder}", batch.BatchId, batch.KasseIk,
                                Pforte.Core.Letters.LetterCounts.InFiles(batch.Letters, batch.Files), batch.Folder);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A failing run is retried at the next tick; the host keeps serving requests.
                logger.LogError(ex, "Hintergrundaufgabe fehlgeschlagen.");
            }
            await Task.Delay(Tick, clock, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Once a day (first tick of the Berlin day, one process by lease): threads past the mailbox's retention are deleted (ADR 0019).</summary>
    private async Task RunMailboxPurgeIfDueAsync(CancellationToken cancellationToken)
    {
        var today = BerlinCalendar.Today(clock);
        await using var scope = scopes.CreateAsyncScope();
        var lease = scope.ServiceProvider.GetRequiredService<JobLease>();
        if (!await lease.TryStartAsync(MailboxPurgeJob, today, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        using var span = PforteTelemetry.StartJob(MailboxPurgeJob);
        var result = await scope.ServiceProvider.GetRequiredService<Pforte.Core.Mailbox.MailboxMaintenance>()
            .PurgeAsync(AuditContext.System(MailboxPurgeJob), Pforte.Core.Mailbox.MailboxMaintenance.DefaultBatch, cancellationToken).ConfigureAwait(false);
        await lease.FinishAsync(MailboxPurgeJob, today, cancellationToken).ConfigureAwait(false);
        if (result.Threads > 0)
        {
            logger.LogInformation("Postfach-Aufbewahrung: {Threads} gelöscht.", GermanText.Count(result.Threads, "Vorgang", "Vorgänge"));
        }
    }

    /// <summary>
    /// Once a day (first tick of the Berlin day, one process by lease): every Kasse's audit chains are verified and the
    /// result recorded (9007), which the operations monitor turns into <c>pforte_audit_chain_intact</c>.
    /// </summary>
    private async Task RunAuditVerificationIfDueAsync(CancellationToken cancellationToken)
    {
        var today = BerlinCalendar.Today(clock);
        await using var scope = scopes.CreateAsyncScope();
        var lease = scope.ServiceProvider.GetRequiredService<JobLease>();
        if (!await lease.TryStartAsync(AuditVerifyJob, today, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        using var span = PforteTelemetry.StartJob(AuditVerifyJob);
        var db = scope.ServiceProvider.GetRequiredService<Pforte.Core.Persistence.PforteDbContext>();
        var verify = scope.ServiceProvider.GetRequiredService<VerifyOwnAuditChain>();
        foreach (var kasse in await db.Kassen.AsNoTracking().Select(k => k.Id).ToListAsync(cancellationToken).ConfigureAwait(false))
        {
            if ((await verify.ExecuteAsync(kasse, AuditContext.System(AuditVerifyJob), cancellationToken).ConfigureAwait(false)).Value is { IsIntact: false } broken)
            {
                logger.LogError("Prüfkette der Kasse {Ik} ist unterbrochen (Kette {Chain}, Eintrag {Seq}).", broken.Ik, broken.FirstBreak?.Chain, broken.FirstBreak?.Seq);
            }
        }
        await lease.FinishAsync(AuditVerifyJob, today, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunDailyIssueIfDueAsync(CancellationToken cancellationToken)
    {
        if (options.Value.DailyIssueAt is not { } at)
        {
            return;
        }
        var local = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), BerlinCalendar.Zone);
        var today = DateOnly.FromDateTime(local.DateTime);
        if (TimeOnly.FromDateTime(local.DateTime) < at)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var lease = scope.ServiceProvider.GetRequiredService<JobLease>();
        if (!await lease.TryStartAsync(DailyIssueJob, today, cancellationToken).ConfigureAwait(false))
        {
            return; // another process has it (or had it) today
        }
        using var span = PforteTelemetry.StartJob(DailyIssueJob);
        var dayText = today.ToString("dd.MM.yyyy", GermanText.Culture);
        logger.LogInformation("Täglicher Codelauf für {Day} beginnt.", dayText);
        // Moves reported ahead in the portal take effect first, so that today's code letters go to the new address.
        var moves = await scope.ServiceProvider.GetRequiredService<Pforte.Core.SelfService.ApplyDueAddressChanges>()
            .ExecuteAsync(today, AuditContext.System(DailyIssueJob), cancellationToken).ConfigureAwait(false);
        if (moves > 0)
        {
            logger.LogInformation("Vorgemerkte Adressänderungen für {Day}: {Moves} übernommen.", dayText, GermanText.Count(moves, "Änderung", "Änderungen"));
        }
        var result = await scope.ServiceProvider.GetRequiredService<IssueDueCodes>()
            .ExecuteAsync(today, AuditContext.System(DailyIssueJob), cancellationToken: cancellationToken).ConfigureAwait(false);
        await lease.FinishAsync(DailyIssueJob, today, cancellationToken).ConfigureAwait(false);
        // Numbers as de-DE text: a structured value would be formatted with the host's culture and read differently from the CLI.
        logger.LogInformation("Täglicher Codelauf für {Day}: {Checked} geprüft, {Issued} ausgegeben, {Deleted} gelöscht in {Duration}.",
            dayText, GermanText.Count(result.Checked, "Person", "Personen"), GermanText.Count(result.Issued, "Code", "Codes"),
            GermanText.Count(result.Deleted, "Code", "Codes"), GermanText.Duration(result.Elapsed));
    }
}
