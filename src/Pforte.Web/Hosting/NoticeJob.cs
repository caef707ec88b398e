using Microsoft.Extensions.Options;
using Pforte.Core.Notices;
using Pforte.Core.SelfService;

namespace Pforte.Web.Hosting;

/// <summary>
/// Sends the due e-mail notices every <c>Pforte:Notices:PollInterval</c> (ADR 0021). Every node may run it: rows are
/// claimed with a lease, so each notice goes once. Off with <c>Pforte:Jobs:Enabled=false</c>, with
/// <c>Pforte:Notices:Enabled=false</c>, and while no mail server is configured.
/// </summary>
public sealed class NoticeJob(IServiceScopeFactory scopes, IMailSender mail, IOptions<NoticeOptions> options, IConfiguration configuration, TimeProvider clock, ILogger<NoticeJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Pforte:Jobs:Enabled", true) || !options.Value.Enabled || !mail.IsConfigured)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var run = await scope.ServiceProvider.GetRequiredService<SendMailboxNotices>().ExecuteAsync(stoppingToken).ConfigureAwait(false);
                if (run.Claimed > 0)
                {
                    logger.LogInformation("E-Mail-Hinweise: {Sent} verschickt, {Failed} fehlgeschlagen (später erneut), {GivenUp} aufgegeben, {Dropped} entfallen.",
                        run.Sent, run.Failed, run.GivenUp, run.Dropped);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Versand der E-Mail-Hinweise fehlgeschlagen.");
            }
            await Task.Delay(options.Value.PollInterval, clock, stoppingToken).ConfigureAwait(false);
        }
    }
}
