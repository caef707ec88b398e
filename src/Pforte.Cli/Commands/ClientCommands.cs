using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Clients;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Cli.Commands;

internal static class ClientCommands
{
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    public static Command Build(CliContext cli)
    {
        var create = BuildCreate(cli);
        var list = BuildList(cli);
        var revoke = BuildRevoke(cli);
        var clients = new Command("clients", "API-Clients (IVR, Kernsystem, Portal-Backend, Druckdienst) verwalten.");
        clients.Subcommands.Add(create);
        clients.Subcommands.Add(list);
        clients.Subcommands.Add(revoke);
        return clients;
    }

    private static Option<string?> KasseOption() =>
        new("--kasse") { Description = "Institutionskennzeichen der Kasse (nur nötig, wenn die Installation mehrere Kassen führt)." };

    private static Command BuildCreate(CliContext cli)
    {
        var name = new Option<string>("--name") { Description = "Name des Clients (Buchstaben, Ziffern, „-“, „_“, „.“).", Required = true };
        var scopes = new Option<string>("--scopes") { Description = $"Berechtigungen, durch Komma getrennt: {string.Join(", ", ApiScopes.All)}.", Required = true };
        var kasse = KasseOption();
        var create = new Command("create", "Legt einen API-Client an und zeigt seinen Schlüssel einmalig an.") { name, scopes, kasse };
        create.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var db = services.GetRequiredService<PforteDbContext>();
            if (!(await KasseLookup.ResolveAsync(db, parse.GetValue(kasse), token).ConfigureAwait(false)).TryGetValue(out var k, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            var result = await services.GetRequiredService<CreateApiClient>().ExecuteAsync(
                k.Id, parse.GetValue(name)!, parse.GetValue(scopes)!.Split(','), AuditContext.Cli("clients create"), cancellationToken: token).ConfigureAwait(false);
            if (!result.TryGetValue(out var created, out error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync($"API-Client „{created.Client.Name}“ für Kasse {k.Ik} angelegt (Schlüssel-ID {created.Client.KeyId}, Berechtigungen: {created.Client.Scopes.Replace(' ', ',')}).").ConfigureAwait(false);
            await cli.Out.WriteLineAsync().ConfigureAwait(false);
            await cli.Out.WriteLineAsync($"    {created.Key}").ConfigureAwait(false);
            await cli.Out.WriteLineAsync().ConfigureAwait(false);
            await cli.Out.WriteLineAsync("Wichtig: Diesen Schlüssel jetzt sicher speichern. Er wird nur dieses eine Mal angezeigt; Pforte speichert nur einen Prüfwert und kann ihn nicht erneut anzeigen. Geht er verloren, den Client widerrufen („pforte clients revoke“) und neu anlegen.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct));
        return create;
    }

    private static Command BuildList(CliContext cli)
    {
        var kasse = KasseOption();
        var list = new Command("list", "Listet die API-Clients einer Kasse (ohne Schlüssel).") { kasse };
        list.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var db = services.GetRequiredService<PforteDbContext>();
            if (!(await KasseLookup.ResolveAsync(db, parse.GetValue(kasse), token).ConfigureAwait(false)).TryGetValue(out var k, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            var clients = await services.GetRequiredService<ListApiClients>().ExecuteAsync(k.Id, token).ConfigureAwait(false);
            if (clients.Count == 0)
            {
                await cli.Out.WriteLineAsync($"Kasse {k.Ik} hat noch keine API-Clients.").ConfigureAwait(false);
                return CliApp.ExitCodes.Ok;
            }
            await cli.Out.WriteLineAsync("Name\tSchlüssel-ID\tBerechtigungen\tAngelegt\tStatus").ConfigureAwait(false);
            foreach (var c in clients)
            {
                var status = c.RevokedAt is { } revoked ? "widerrufen am " + Format(revoked) : "aktiv";
                await cli.Out.WriteLineAsync($"{c.Name}\t{c.KeyId}\t{string.Join(',', c.Scopes)}\t{Format(c.CreatedAt)}\t{status}{(c.IsDemo ? " (Demo)" : "")}").ConfigureAwait(false);
            }
            return CliApp.ExitCodes.Ok;
        }, ct));
        return list;
    }

    private static Command BuildRevoke(CliContext cli)
    {
        var target = new Argument<string>("name") { Description = "Name oder Schlüssel-ID des Clients." };
        var kasse = KasseOption();
        var revoke = new Command("revoke", "Widerruft einen API-Client; sein Schlüssel wird sofort abgewiesen.") { target, kasse };
        revoke.SetAction((parse, ct) => cli.RunAsync(async (services, token) =>
        {
            var db = services.GetRequiredService<PforteDbContext>();
            if (!(await KasseLookup.ResolveAsync(db, parse.GetValue(kasse), token).ConfigureAwait(false)).TryGetValue(out var k, out var error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            var result = await services.GetRequiredService<RevokeApiClient>().ExecuteAsync(k.Id, parse.GetValue(target)!, AuditContext.Cli("clients revoke"), token).ConfigureAwait(false);
            if (!result.TryGetValue(out var client, out error))
            {
                return await cli.FailAsync(error).ConfigureAwait(false);
            }
            await cli.Out.WriteLineAsync($"API-Client „{client.Name}“ (Schlüssel-ID {client.KeyId}) ist widerrufen seit {Format(client.RevokedAt!.Value)}; sein Schlüssel wird abgewiesen.").ConfigureAwait(false);
            return CliApp.ExitCodes.Ok;
        }, ct));
        return revoke;
    }

    private static string Format(DateTimeOffset instant) =>
        instant.ToLocalTime().ToString("dd.MM.yyyy HH:mm", German);
}
