using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;
using Pforte.Core.Staff;

namespace Pforte.Cli.Commands;

/// <summary><c>pforte staff create|list|disable|roles</c>: local staff accounts of the workspace (ADR 0023).</summary>
internal static class StaffCommands
{
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    public static Command Build(CliContext cli)
    {
        var staff = new Command("staff", "Mitarbeiterkonten des Arbeitsplatzes (/arbeitsplatz) verwalten.");
        staff.Subcommands.Add(BuildCreate(cli));
        staff.Subcommands.Add(BuildList(cli));
        staff.Subcommands.Add(BuildDisable(cli));
        staff.Subcommands.Add(BuildRoles(cli));
        return staff;
    }

    private static Option<string?> KasseOption() =>
        new("--kasse") { Description = "Institutionskennzeichen der Kasse (nur nötig, wenn die Installation mehrere Kassen führt)." };

    private static Option<string> RolesOption() =>
        new("--roles") { Description = $"Rollen, durch Komma getrennt: {string.Join(", ", StaffRoles.All)}.", Required = true };

    private static Command BuildCreate(CliContext cli)
    {
        var user = new Option<string>("--user") { Description = "Benutzername (3–64 Zeichen: Buchstaben, Ziffern, „.“, „-“, „_“, „@“).", Required = true };
        var name = new Option<string>("--name") { Description = "Name der Person, wie der Arbeitsplatz ihn zeigt.", Required = true };
        var roles = RolesOption();
        var kasse = KasseOption();
        var create = new Command("create", "Legt ein Mitarbeiterkonto an und zeigt sein Startpasswort einmalig an.") { user, name, roles, kasse };
        create.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var db = services.GetRequiredService<PforteDbContext>();
            if (!(await KasseLookup.ResolveAsync(db, parse.GetValue(kasse), token).ConfigureAwait(false)).TryGetValue(out var k, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            var result = await services.GetRequiredService<StaffAccounts>().CreateAsync(
                new NewStaffAccount(k.Id, parse.GetValue(user), parse.GetValue(name), parse.GetValue(roles)!.Split(',')), AuditContext.Cli("staff create"), token).ConfigureAwait(false);
            if (!result.TryGetValue(out var created, out error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync($"Mitarbeiterkonto „{created.Account.UserName}“ für Kasse {k.Ik} angelegt (Rollen: {string.Join(',', StaffRoles.All.Where(created.Account.Roles.Contains))}).").ConfigureAwait(false);
            await cli.Out.WriteLineAsync().ConfigureAwait(false);
            await cli.Out.WriteLineAsync($"    Startpasswort: {created.InitialPassword}").ConfigureAwait(false);
            await cli.Out.WriteLineAsync().ConfigureAwait(false);
            await cli.Out.WriteLineAsync("Wichtig: Das Startpasswort wird nur dieses eine Mal angezeigt; bitte persönlich übergeben. Bei der ersten Anmeldung unter /arbeitsplatz richtet die Person ihre Authenticator-App ein; vorher öffnet das Konto den Arbeitsplatz nicht.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct));
        return create;
    }

    private static Command BuildList(CliContext cli)
    {
        var kasse = KasseOption();
        var list = new Command("list", "Listet die Mitarbeiterkonten einer Kasse (ohne Passwörter und Schlüssel).") { kasse };
        list.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var db = services.GetRequiredService<PforteDbContext>();
            if (!(await KasseLookup.ResolveAsync(db, parse.GetValue(kasse), token).ConfigureAwait(false)).TryGetValue(out var k, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            var accounts = await services.GetRequiredService<StaffAccounts>().ListAsync(k.Id, AuditContext.Cli("staff list"), token).ConfigureAwait(false);
            if (accounts.Count == 0)
            {
                await cli.Out.WriteLineAsync($"Kasse {k.Ik} hat noch keine Mitarbeiterkonten. Das erste legt „pforte staff create --user NAME --name \"Vorname Nachname\" --roles admin“ an.").ConfigureAwait(false);
                return CliApp.ExitCodes.Ok;
            }
            await cli.Out.WriteLineAsync("Benutzername\tName\tRollen\tStatus\tZuletzt angemeldet").ConfigureAwait(false);
            foreach (var a in accounts)
            {
                var status = a.Disabled ? "deaktiviert" : a.External ? "Unternehmenskonto" : a.HasSecondFactor ? "aktiv" : "wartet auf Authenticator-App";
                var last = a.LastSignInAt is { } at ? at.ToLocalTime().ToString("dd.MM.yyyy HH:mm", German) : "noch nie";
                await cli.Out.WriteLineAsync($"{a.UserName}\t{a.DisplayName}\t{string.Join(',', StaffRoles.All.Where(a.Roles.Contains))}\t{status}\t{last}").ConfigureAwait(false);
            }
            return CliApp.ExitCodes.Ok;
        }, ct));
        return list;
    }

    private static Command BuildDisable(CliContext cli)
    {
        var user = new Argument<string>("user") { Description = "Benutzername des Kontos." };
        var kasse = KasseOption();
        var disable = new Command("disable", "Deaktiviert ein Mitarbeiterkonto; seine Sitzungen enden sofort.") { user, kasse };
        disable.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var db = services.GetRequiredService<PforteDbContext>();
            if (!(await KasseLookup.ResolveAsync(db, parse.GetValue(kasse), token).ConfigureAwait(false)).TryGetValue(out var k, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            var accounts = services.GetRequiredService<StaffAccounts>();
            if (!(await accounts.FindAsync(k.Id, parse.GetValue(user), token).ConfigureAwait(false)).TryGetValue(out var found, out error)
                || !(await accounts.DisableAsync(k.Id, found.Id, null, AuditContext.Cli("staff disable"), token).ConfigureAwait(false)).TryGetValue(out var done, out error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync($"Mitarbeiterkonto „{done.UserName}“ ist deaktiviert; seine Sitzungen sind beendet.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct));
        return disable;
    }

    private static Command BuildRoles(CliContext cli)
    {
        var user = new Argument<string>("user") { Description = "Benutzername des Kontos." };
        var roles = RolesOption();
        var kasse = KasseOption();
        var command = new Command("roles", "Setzt die Rollen eines Mitarbeiterkontos (ersetzt die bisherigen).") { user, roles, kasse };
        command.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var db = services.GetRequiredService<PforteDbContext>();
            if (!(await KasseLookup.ResolveAsync(db, parse.GetValue(kasse), token).ConfigureAwait(false)).TryGetValue(out var k, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            var accounts = services.GetRequiredService<StaffAccounts>();
            if (!(await accounts.FindAsync(k.Id, parse.GetValue(user), token).ConfigureAwait(false)).TryGetValue(out var found, out error)
                || !(await accounts.SetRolesAsync(k.Id, found.Id, parse.GetValue(roles)!.Split(','), null, AuditContext.Cli("staff roles"), token).ConfigureAwait(false)).TryGetValue(out var done, out error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync($"Mitarbeiterkonto „{done.UserName}“ hat jetzt die Rollen: {string.Join(',', StaffRoles.All.Where(done.Roles.Contains))}.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct));
        return command;
    }
}
