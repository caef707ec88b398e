using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Demo;
using Pforte.Core.Staff;

namespace Pforte.Cli.Commands;

internal static class DemoCommands
{
    public static Command Build(CliContext cli)
    {
        var count = new Option<int>("--count") { Description = "Anzahl der Versicherten in der Demo-Kasse (wird bei Bedarf aufgefüllt).", DefaultValueFactory = _ => 200 };
        var seed = new Command("seed", "Legt eine Demo-Kasse mit erfundenen Versicherten und Demo-API-Clients an.") { count };
        seed.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var result = await services.GetRequiredService<SeedDemoData>().ExecuteAsync(parse.GetValue(count), AuditContext.Cli("demo seed"), token).ConfigureAwait(false);
            if (!result.TryGetValue(out var seeded, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync(seeded.KasseCreated
                ? $"Demo-Kasse {seeded.Kasse.Ik} „{seeded.Kasse.Name}“ angelegt."
                : $"Demo-Kasse {seeded.Kasse.Ik} „{seeded.Kasse.Name}“ vorhanden.").ConfigureAwait(false);
            await cli.Out.WriteLineAsync($"{GermanText.Count(seeded.PersonsAdded, "versicherte Person", "versicherte Personen")} hinzugefügt, {GermanText.Number(seeded.PersonsTotal)} insgesamt.").ConfigureAwait(false);
            foreach (var client in seeded.Clients)
            {
                await cli.Out.WriteLineAsync(client.Key is null
                    ? $"Demo-Client {client.Name} ({client.Scopes}) gab es schon; sein Schlüssel wird nicht erneut angezeigt."
                    : string.Create(CultureInfo.InvariantCulture, $"Demo-Client {client.Name} ({client.Scopes}): {client.Key}")).ConfigureAwait(false);
            }
            foreach (var account in seeded.PortalAccounts)
            {
                await cli.Out.WriteLineAsync(account.AuthenticatorKey is null
                    ? $"Demo-Portalkonto {account.UserName} ({account.Name}) gab es schon; sein Schlüssel wird nicht erneut angezeigt."
                    : $"Demo-Portalkonto {account.UserName} / Passwort {account.Password} ({account.Name}, KVNR {account.Kvnr}); Schlüssel für die Authenticator-App: {account.AuthenticatorKey}").ConfigureAwait(false);
            }
            foreach (var staff in seeded.StaffAccounts)
            {
                await cli.Out.WriteLineAsync(staff.Created
                    ? $"Demo-Mitarbeiterkonto {staff.UserName} ({staff.DisplayName}) / Passwort {SeedDemoStaff.Password}; Schlüssel für die Authenticator-App: {SeedDemoStaff.AuthenticatorKey}"
                    : $"Demo-Mitarbeiterkonto {staff.UserName} ({staff.DisplayName}) gab es schon.").ConfigureAwait(false);
            }
            return CliApp.ExitCodes.Ok;
        }, ct));

        var demo = new Command("demo", "Demodaten verwalten (nur für Demo-Datenbanken).");
        demo.Subcommands.Add(seed);
        return demo;
    }
}
