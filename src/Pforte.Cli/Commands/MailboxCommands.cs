using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Mailbox;

namespace Pforte.Cli.Commands;

internal static class MailboxCommands
{
    public static Command Build(CliContext cli)
    {
        var batch = new Option<int>("--batch") { Description = "Zeilen je Transaktion.", DefaultValueFactory = _ => MailboxMaintenance.DefaultBatch };
        var rewrap = new Command("rewrap",
            "Schlüsselt nach 'pforte keys rotate --purpose content-wrap' alle Inhaltsschlüssel des Postfachs mit dem neuesten Schlüssel um (die verschlüsselten Inhalte bleiben unverändert) und entfernt danach alte Schlüssel, die nichts mehr nutzt.") { batch };
        rewrap.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var size = parse.GetValue(batch);
            if (size is < 1 or > 100_000)
            {
                return await cli.FailAsync(new Error(ErrorCodes.MailboxPageSizeInvalid, 100_000)).ConfigureAwait(false);
            }
            var maintenance = services.GetRequiredService<MailboxMaintenance>();
            var result = await maintenance.RewrapAsync(size, AuditContext.Cli("mailbox rewrap"), token).ConfigureAwait(false);
            var retired = await maintenance.RetireUnusedKeysAsync(token).ConfigureAwait(false);
            await cli.Out.WriteLineAsync($"Umgeschlüsselt auf content-wrap Version {result.CurrentVersion}: {GermanText.Count(result.Threads, "Vorgang", "Vorgänge")}, "
                + $"{GermanText.Count(result.Messages, "Nachricht", "Nachrichten")}, {GermanText.Count(result.Notes, "Notiz", "Notizen")}, "
                + $"{GermanText.Count(result.ContactRequests, "Kontaktanfrage", "Kontaktanfragen")}.").ConfigureAwait(false);
            await cli.Out.WriteLineAsync(retired.Count == 0 ? "Kein alter Schlüssel entfernt."
                : $"Entfernt: content-wrap Version {string.Join(", ", retired)}.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct));

        var purge = new Command("purge", "Löscht Postfach-Vorgänge, deren letzte Nachricht älter als die Aufbewahrungsfrist (Pforte:Mailbox:RetentionDays) ist, mit Nachrichten, Anhängen und Notizen; dazu Kontaktanfragen nach Pforte:ContactForm:Retention und verschickte Benachrichtigungen nach 30 Tagen.");
        purge.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var result = await services.GetRequiredService<MailboxMaintenance>().PurgeAsync(AuditContext.Cli("mailbox purge"), MailboxMaintenance.DefaultBatch, token).ConfigureAwait(false);
            await cli.Out.WriteLineAsync($"{GermanText.Count(result.Threads, "Vorgang", "Vorgänge")} gelöscht (letzte Nachricht vor dem {result.Before.ToString("dd.MM.yyyy", ErrorTexts.German)}).")
                .ConfigureAwait(false);
            await cli.Out.WriteLineAsync($"{GermanText.Count(result.ContactRequests, "Kontaktanfrage", "Kontaktanfragen")} gelöscht (zuletzt bearbeitet vor dem {result.ContactBefore.ToString("dd.MM.yyyy", ErrorTexts.German)}), "
                + $"{GermanText.Count(result.Notices, "verschickte Benachrichtigung", "verschickte Benachrichtigungen")} gelöscht.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct));

        var mailbox = new Command("mailbox", "Das Postfach pflegen: Schlüssel umschlüsseln, alte Vorgänge löschen.");
        mailbox.Subcommands.Add(rewrap);
        mailbox.Subcommands.Add(purge);
        return mailbox;
    }
}
