using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Common.Keys;
using Pforte.Core.Persistence;

namespace Pforte.Cli.Commands;

internal static class KeysCommands
{
    public static Command Build(CliContext cli)
    {
        var purpose = new Option<string>("--purpose") { Description = "code-hash (Schlüssel der Code-Prüfwerte), letter-seal (Versiegelung in Codebriefen), content-wrap (Schlüssel über den Inhaltsschlüsseln des Postfachs) oder account-secret (Versiegelung der Authenticator-Geheimnisse; im Schlüsselring-Datei-Speicher aus letter-seal abgeleitet).", DefaultValueFactory = _ => "code-hash" };

        var rotate = new Command("rotate", "Legt einen neuen Schlüssel an; neue Codes nutzen ihn, alte Prüfwerte werden bei der nächsten erfolgreichen Prüfung umgeschlüsselt.") { purpose };
        rotate.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            if (Purpose(parse.GetValue(purpose)) is not { } p)
            {
                return await cli.FailAsync(new Error(ErrorCodes.KeyPurposeUnknown, parse.GetValue(purpose) ?? "")).ConfigureAwait(false);
            }
            var key = services.GetRequiredService<IKeyStore>().Rotate(p);
            await cli.Out.WriteLineAsync($"Neuer Schlüssel {parse.GetValue(purpose)} Version {key.Version} angelegt.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct, DatabaseNeed.None));

        var list = new Command("list", "Zeigt die Schlüsselversionen und wie viele Code-Prüfwerte jede noch nutzt (nie Schlüsselmaterial).");
        list.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var keys = services.GetRequiredService<IKeyStore>();
            var db = services.GetRequiredService<PforteDbContext>();
            var usage = await db.AuthCodes.AsNoTracking().Where(a => a.CodeHash != null).GroupBy(a => a.KeyVersion)
                .Select(g => new { Version = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Version, x => x.Count, token).ConfigureAwait(false);
            foreach (var k in keys.All(KeyPurpose.CodeHash))
            {
                await cli.Out.WriteLineAsync($"code-hash   v{k.Version}  angelegt {k.CreatedAt.ToString("dd.MM.yyyy HH:mm", ErrorTexts.German)}  Prüfwerte: {GermanText.Number(usage.GetValueOrDefault(k.Version))}").ConfigureAwait(false);
            }
            foreach (var k in keys.All(KeyPurpose.LetterSeal))
            {
                await cli.Out.WriteLineAsync($"letter-seal v{k.Version}  angelegt {k.CreatedAt.ToString("dd.MM.yyyy HH:mm", ErrorTexts.German)}").ConfigureAwait(false);
            }
            foreach (var k in keys.All(KeyPurpose.AccountSecret))
            {
                await cli.Out.WriteLineAsync($"account-secret v{k.Version}  angelegt {k.CreatedAt.ToString("dd.MM.yyyy HH:mm", ErrorTexts.German)}").ConfigureAwait(false);
            }
            var mailbox = services.GetRequiredService<Pforte.Core.Mailbox.MailboxMaintenance>();
            foreach (var k in keys.All(KeyPurpose.ContentWrap))
            {
                var used = await mailbox.UsingKeyAsync(k.Version, token).ConfigureAwait(false);
                await cli.Out.WriteLineAsync($"content-wrap v{k.Version}  angelegt {k.CreatedAt.ToString("dd.MM.yyyy HH:mm", ErrorTexts.German)}  Inhaltsschlüssel: {GermanText.Number(used)}").ConfigureAwait(false);
            }
            return CliApp.ExitCodes.Ok;
        }, ct));

        var version = new Argument<int>("VERSION") { Description = "Die Schlüsselversion." };
        var retire = new Command("retire", "Entfernt einen alten Code-Schlüssel, den kein Prüfwert mehr nutzt.") { version };
        retire.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var v = parse.GetValue(version);
            var db = services.GetRequiredService<PforteDbContext>();
            var inUse = await db.AuthCodes.CountAsync(a => a.CodeHash != null && a.KeyVersion == v, token).ConfigureAwait(false);
            if (inUse > 0)
            {
                return await cli.FailAsync(new Error(ErrorCodes.KeyInUse, v, inUse)).ConfigureAwait(false);
            }
            if (!services.GetRequiredService<IKeyStore>().Retire(KeyPurpose.CodeHash, v))
            {
                return await cli.FailAsync(new Error(ErrorCodes.KeyNotRetirable, v)).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync($"Code-Schlüssel Version {v} entfernt.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct));

        var keysCommand = new Command("keys", "Schlüssel (Schlüsselring-Datei oder HSM, außerhalb der Datenbank) verwalten.");
        keysCommand.Subcommands.Add(rotate);
        keysCommand.Subcommands.Add(list);
        keysCommand.Subcommands.Add(retire);
        return keysCommand;
    }

    private static KeyPurpose? Purpose(string? name) => name switch
    {
        "code-hash" => KeyPurpose.CodeHash,
        "letter-seal" => KeyPurpose.LetterSeal,
        "content-wrap" => KeyPurpose.ContentWrap,
        "account-secret" => KeyPurpose.AccountSecret,
        _ => null,
    };
}
