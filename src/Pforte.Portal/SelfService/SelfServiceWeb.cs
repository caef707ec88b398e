using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Disclosure;

namespace Pforte.Portal.SelfService;

/// <summary>What the self-service pages share: who acts in the audit record, the source address, the portal's client id, errors as the form shows them.</summary>
public static class SelfServiceWeb
{
    /// <summary>
    /// The signed-in actor as the audit record names it: the person, or the representation while acting for someone
    /// (the same actor ids as the security history reads, ADR 0017). Never a name.
    /// </summary>
    public static AuditContext Audit(HttpContext http, PortalActor actor)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(actor);
        var actorId = actor.RepresentativeId is { } representative
            ? "portal:representative:" + representative.ToString("N")
            : "portal:person:" + actor.PersonId.ToString("N");
        return new AuditContext(ActorKind.Insured, actorId, Channels.Portal, SourceIp: Ip(http), CorrelationId: actor.SessionId.ToString("N"));
    }

    /// <summary>Someone on a public page: the built-in portal client with the visitor's IP, as the registration records it (ADR 0015).</summary>
    public static AuditContext Public(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.RequestServices.GetRequiredService<Accounts.PortalSignIn>().Visitor();
    }

    /// <summary>The caller's address as the host sees it (behind a proxy: as the forwarded-headers set-up makes it).</summary>
    public static string? Ip(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var address = http.Connection.RemoteIpAddress;
        if (address is null)
        {
            return null;
        }
        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    /// <summary>The client id the portal reports to the machine procedure for a Kasse: the built-in portal client (ADR 0015).</summary>
    public static Task<Guid> ClientIdAsync(HttpContext http, Guid kasseId)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.RequestServices.GetRequiredService<Pforte.Core.Accounts.PortalClient>().IdForAsync(kasseId, http.RequestAborted);
    }

    /// <summary>Core's field errors as the form shows them (German sentence, linked to the field).</summary>
    public static List<FieldError> ForForm(IEnumerable<Pforte.Core.SelfService.FieldError> errors) =>
        errors.Select(e => new FieldError(e.Field, e.Error.Message)).ToList();

    public static string? ErrorFor(IReadOnlyList<FieldError> errors, string field) =>
        errors.FirstOrDefault(e => e.Field == field)?.Message;

    /// <summary>The field an error of the machine procedure's input rules belongs to.</summary>
    public static string? FieldOf(Pforte.Core.Common.Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code switch
        {
            var c when c.StartsWith("PF-KVNR-", StringComparison.Ordinal) => "kvnr",
            var c when c.StartsWith("PF-CARD-", StringComparison.Ordinal) => "card",
            Pforte.Core.Common.ErrorCodes.MachineAuthCardFormat => "card",
            Pforte.Core.Common.ErrorCodes.MachineAuthCodeFormat => "code",
            Pforte.Core.Common.ErrorCodes.MachineAuthNewCodeFormat => "newCode",
            Pforte.Core.Common.ErrorCodes.SelfBirthDate => "birthDate",
            _ => null,
        };
    }
}
