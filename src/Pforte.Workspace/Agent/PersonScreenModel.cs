using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Workspace;

namespace Pforte.Workspace.Agent;

/// <summary>
/// What the caller screen and the counter share (ADR 0025): the person search, the caller card with its guidance, the
/// flag "braucht einen anderen Weg zur Authentifizierung" and the code re-issue. The screen's state travels in its
/// address: <c>person</c> (the person's id), <c>auth</c> (the authentication made on this screen) and, on the phone,
/// <c>call</c> (the call id). Nothing secret is ever put there or rendered.
/// </summary>
public abstract class PersonScreenModel : WorkspacePageModel
{
    [BindProperty(SupportsGet = true, Name = "person")]
    public Guid? PersonId { get; set; }

    [BindProperty(SupportsGet = true, Name = "auth")]
    public Guid? AuthenticationId { get; set; }

    [BindProperty(SupportsGet = true, Name = "call")]
    public string? CallId { get; set; }

    [BindProperty]
    public SearchForm Search { get; set; } = new();

    [BindProperty]
    public string? Reason { get; set; }

    public PersonSearchResult? Hits { get; private set; }

    public CallerCardView? Card { get; private set; }

    /// <summary>A short confirmation after an action (re-issued, flag set, …), from the redirect's <c>done</c>.</summary>
    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    /// <summary>The page's own address ("/arbeitsplatz/anrufer").</summary>
    public abstract string PagePath { get; }

    /// <summary>The disclosure channel of this screen (phone or in-person).</summary>
    public string Channel => AuditChannel;

    protected T Use<T>() where T : notnull => HttpContext.RequestServices.GetRequiredService<T>();

    /// <summary>The address of this screen with the given state.</summary>
    public string Link(Guid? person, Guid? auth = null, string? call = null, string? done = null)
    {
        var query = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add(key + "=" + Uri.EscapeDataString(value));
            }
        }
        Add("call", call);
        Add("person", person?.ToString());
        Add("auth", auth?.ToString());
        Add("done", done);
        return query.Count == 0 ? PagePath : PagePath + "?" + string.Join('&', query);
    }

    /// <summary>Where a form of this screen posts: its state and the handler.</summary>
    public string Action(string handler, bool keepPerson = true)
    {
        var link = keepPerson ? Link(PersonId, AuthenticationId, CallId) : Link(null, null, CallId);
        return link + (link.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "handler=" + handler;
    }

    protected string Here(string? done = null) => Link(PersonId, AuthenticationId, CallId, done);

    /// <summary>Loads the card of <see cref="PersonId"/> (if any) with this screen's call and authentication.</summary>
    protected async Task LoadCardAsync(CancellationToken cancellationToken)
    {
        if (PersonId is not { } id)
        {
            return;
        }
        var card = await Use<ReadCallerCard>().ExecuteAsync(Staff.KasseId, id, Channel, CallId, AuthenticationId, Audit, cancellationToken);
        if (card.TryGetValue(out var view, out var error))
        {
            Card = view;
        }
        else
        {
            PersonId = null;
            Add(null, error);
        }
    }

    public async Task<IActionResult> OnPostSearchAsync(CancellationToken cancellationToken)
    {
        var result = await Use<PersonSearch>().ExecuteAsync(Staff.KasseId, new PersonQuery(Search.Kvnr, Search.FamilyName, Search.GivenName, Search.BirthDate), Audit, cancellationToken);
        if (!result.TryGetValue(out var hits, out var error))
        {
            Add(SearchField(error), error);
        }
        else if (hits.Hits.Count == 1 && !hits.More)
        {
            return Redirect(Link(hits.Hits[0].Id, null, CallId));
        }
        else
        {
            Hits = hits;
        }
        PersonId = null;
        await LoadCardAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostFlagAsync(bool needed, CancellationToken cancellationToken)
    {
        if (await KvnrAsync(cancellationToken) is not { } kvnr)
        {
            return Redirect(PagePath);
        }
        var result = await Use<AlternativeAuthentication>().SetAsync(Staff.KasseId, kvnr, needed, Audit, cancellationToken);
        if (!result.TryGetValue(out _, out var error))
        {
            Add(null, error);
            await LoadCardAsync(cancellationToken);
            return Page();
        }
        return Redirect(Here(needed ? "flag-set" : "flag-cleared"));
    }

    public async Task<IActionResult> OnPostReissueAsync(CancellationToken cancellationToken)
    {
        if (PersonId is not { } id)
        {
            return Redirect(PagePath);
        }
        var result = await Use<CodeReissueRequests>().RequestAsync(Staff.KasseId, id, AuthenticationId ?? await CallAuthenticationAsync(cancellationToken), Reason, Audit, cancellationToken);
        if (!result.TryGetValue(out var outcome, out var error))
        {
            Add("reason", error);
            await LoadCardAsync(cancellationToken);
            return Page();
        }
        return Redirect(Here(outcome.Kind == ReissueOutcomeKind.Reissued ? "reissued" : "reissue-pending"));
    }

    /// <summary>The current authentication of the call (the IVR's), for actions decided on it.</summary>
    private async Task<Guid?> CallAuthenticationAsync(CancellationToken cancellationToken) =>
        CallId is null || !CallPop.ParseCallId(CallId).TryGetValue(out var call, out _) ? null
            : (await Use<CallPop>().FindAsync(Staff.KasseId, call, cancellationToken))?.AuthenticationId;

    protected async Task<string?> KvnrAsync(CancellationToken cancellationToken)
    {
        if (PersonId is not { } id)
        {
            return null;
        }
        var hits = await Use<Pforte.Core.Persistence.PforteDbContext>().InsuredPersons.FindAsync([id], cancellationToken);
        return hits is not null && hits.KasseId == Staff.KasseId ? hits.Kvnr : null;
    }

    private static string? SearchField(Error error) => error.Code switch
    {
        ErrorCodes.WsSearchBirthDate or ErrorCodes.WsSearchNameNeedsBirthDate => "Search.BirthDate",
        ErrorCodes.WsSearchEmpty => null,
        _ when error.Code.StartsWith("PF-REC", StringComparison.Ordinal) || error.Code.StartsWith("PF-KVNR", StringComparison.Ordinal) => "Search.Kvnr",
        _ => null,
    };
}

/// <summary>The search form: a KVNR, or family name + birth date (given name optional).</summary>
public sealed class SearchForm
{
    public string? Kvnr { get; set; }

    public string? FamilyName { get; set; }

    public string? GivenName { get; set; }

    public string? BirthDate { get; set; }
}
