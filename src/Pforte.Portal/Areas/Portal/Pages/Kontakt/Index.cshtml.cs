using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Pforte.Core.ContactForm;
using Pforte.Core.Disclosure;
using Pforte.Core.Mailbox;
using Pforte.Core.Mailbox.Attachments;
using Pforte.Portal.Accounts;
using Pforte.Portal.ContactForm;
using Pforte.Portal.SelfService;

namespace Pforte.Portal.Areas.Portal.Pages.Kontakt;

/// <summary>
/// The public contact form (no login, ADR 0022): the details and message go encrypted into the back office; the
/// visitor gets a receipt number. Spam defence without third parties: a per-IP limit, a honeypot field and a signed
/// fill-time token; a refusal says one calm sentence, never which defence hit.
/// </summary>
[EnableRateLimiting(PortalAccountsSetup.ContactFormLimit)]
public sealed partial class IndexModel(SubmitContactRequest submit, ContactFormToken token, PortalKasse kasse, IOptions<AttachmentLimits> limits) : PageModel
{
    [BindProperty] public string? Topic { get; set; }
    [BindProperty] public string? GivenName { get; set; }
    [BindProperty] public string? FamilyName { get; set; }
    [BindProperty] public string? BirthDate { get; set; }
    [BindProperty] public string? Kvnr { get; set; }
    [BindProperty] public string? Street { get; set; }
    [BindProperty] public string? HouseNumber { get; set; }
    [BindProperty] public string? PostalCode { get; set; }
    [BindProperty] public string? City { get; set; }
    [BindProperty] public string? Message { get; set; }
    [BindProperty] public List<IFormFile> Files { get; set; } = [];

    /// <summary>The honeypot: people never see it, so anything in it came from a script.</summary>
    [BindProperty] public string? Website { get; set; }

    [BindProperty] public string? FormToken { get; set; }

    public List<FieldError> Errors { get; private set; } = [];

    public bool NotSetUp { get; private set; }

    public string? Receipt { get; private set; }

    public IReadOnlyList<string> Topics => submit.Topics;

    public int MaxFiles => limits.Value.MaxPerMessage;

    public long MaxFileMegabytes => limits.Value.MaxBytes / (1024 * 1024);

    public async Task OnGetAsync(string? nummer)
    {
        NotSetUp = await kasse.CurrentAsync(HttpContext.RequestAborted) is null;
        if (nummer is not null && ReceiptPattern().IsMatch(nummer))
        {
            Receipt = nummer;
            return;
        }
        FormToken = token.Issue();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await kasse.CurrentAsync(HttpContext.RequestAborted) is not { } brand)
        {
            NotSetUp = true;
            return Page();
        }
        var check = !string.IsNullOrEmpty(Website) ? "honeypot" : token.Check(FormToken);
        if (check is not null)
        {
            var refused = await submit.RefuseAsync(brand.Id, check, Visitor(), HttpContext.RequestAborted);
            Errors.Add(new FieldError(null, refused.Message));
            FormToken = token.Issue();
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        var files = new List<NewFile>();
        foreach (var file in Files.Where(f => f.Length > 0).Take(50))
        {
            using var stream = new MemoryStream();
            await file.CopyToAsync(stream, HttpContext.RequestAborted);
            files.Add(new NewFile(file.FileName, stream.ToArray()));
        }
        var submission = new ContactSubmission(Topic, GivenName, FamilyName, BirthDate, Kvnr, Street, HouseNumber, PostalCode, City, Message, files);
        var errors = submit.Validate(submission);
        if (errors.Count == 0)
        {
            var result = await submit.ExecuteAsync(brand.Id, submission, Visitor(), HttpContext.RequestAborted);
            if (result.TryGetValue(out var receipt, out var error))
            {
                return RedirectToPage(new { nummer = receipt });
            }
            errors = [new ContactFieldError("Form", error)];
        }
        Errors = errors.Select(e => new FieldError(FieldId(e.Field), e.Error.Message)).ToList();
        FormToken = token.Issue();
        return Page();
    }

    public string? ErrorFor(string field) => SelfServiceWeb.ErrorFor(Errors, field);

    public static string TopicName(string topic) => RequestKindNames.German(topic);

    private Pforte.Core.Audit.AuditContext Visitor() => SelfServiceWeb.Public(HttpContext) with { Channel = Channels.ContactForm };

    private static string? FieldId(string field) => field switch
    {
        "Topic" => "topic",
        "GivenName" => "givenName",
        "FamilyName" => "familyName",
        "BirthDate" => "birthDate",
        "Kvnr" => "kvnr",
        "Address" => "street",
        "Message" => "message",
        "Files" => "files",
        _ => null,
    };

    [GeneratedRegex("^KF-[0-9]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")]
    private static partial Regex ReceiptPattern();
}
