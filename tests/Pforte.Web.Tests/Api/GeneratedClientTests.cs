using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Pforte.Client;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Clients;
using Pforte.Testing;
using Pforte.Web.Tests.Disclosure;
using Pforte.Web.Tests.MachineAuth;

namespace Pforte.Web.Tests.Api;

/// <summary>
/// A real consumer of the contract: every operation of the API called once through the client generated from the
/// document (src/Pforte.Client), against the real host. The factory checks each answer against the document too.
/// </summary>
public sealed class GeneratedClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The operations each test calls; together every operation of the document (checked below).</summary>
    private static readonly string[] MachineOperations =
        [
            "VerifyMachineAuth", "ChangeMachineAuthCode", "GetCodeStatus", "ListLetters", "MarkLetterReturned", "ReissueCode",
            "GetLetterBatch", "GetLetterStatus", "GetAuditEntries", "VerifyAuditChain",
        ];

    private static readonly string[] OtherOperations =
    [
        "GetInsured", "PutInsured", "RecordRepresentative", "ListRepresentatives", "ListChannels", "ReleaseOutbound",
        "DrawPhoneQuestions", "AnswerPhoneQuestions", "DecideDisclosure", "RecordInPersonAuthentication",
        "RecordWrittenAuthentication", "RecordPortalLogin",
    ];

    /// <summary>The contact form's staff operations (ADR 0022).</summary>
    private static readonly string[] ContactOperations =
    [
        "ListContactRequests", "ReadContactRequest", "ReadContactRequestAttachment", "MatchContactRequest", "MarkContactRequestAnswered",
        "CloseContactRequest",
    ];

    /// <summary>The mailbox's staff operations (ADR 0019).</summary>
    private static readonly string[] MailboxOperations =
    [
        "ListTeamThreads", "ReadThread", "ReadThreadAttachment", "AssignThread", "SetThreadStatus", "SetThreadDue", "AddThreadNote", "ReplyToThread",
        "ListReplyTemplates", "CreateReplyTemplate", "DeliverDocument",
    ];

    /// <summary>The phone dialogue (ADR 0027): JSON, VoiceXML, and the workspace's read of the call.</summary>
    private static readonly string[] IvrOperations =
        ["StartIvrCall", "SendIvrInput", "StartIvrCallVoiceXml", "SendIvrInputVoiceXml", "ReadIvrCall"];

    private static JsonObject Document => JsonNode.Parse(File.ReadAllText(Path.Combine(Hosting.Repository.Root, "src", "Pforte.Client", "openapi.v1.json")))!.AsObject();

    /// <summary>Sees every request the generated client sends, so a test can show which operations it called.</summary>
    private sealed class Called : DelegatingHandler
    {
        public ConcurrentBag<(string Method, string Path)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.Method.Method, request.RequestUri!.AbsolutePath));
            return base.SendAsync(request, cancellationToken);
        }

        public HashSet<string> Operations(JsonObject document) =>
            Requests.Select(r => ContractRecorder.OperationId(document, r.Method, r.Path)).OfType<string>().ToHashSet();
    }

    private static async Task<PforteClient> ClientAsync(PforteWebFactory factory, Called called, string name, params string[] scopes)
    {
        var (_, key) = await factory.CreateClientAsync(name, TestData.Ik, scopes);
        var http = factory.CreateDefaultClient(called);
        http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return new PforteClient(http);
    }

    [Fact]
    public void Together_the_client_tests_call_every_operation_of_the_document()
    {
        var all = Document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => o.Value!["operationId"]!.GetValue<string>())).ToHashSet();
        Assert.Equal(all.Order(), MachineOperations.Concat(OtherOperations).Concat(ContactOperations).Concat(MailboxOperations).Concat(IvrOperations).Order());
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Machine_procedure_codes_and_letters_through_the_client(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var called = new Called();
        var ivr = await ClientAsync(h.Factory, called, "ivr-client", ApiScopes.MachineAuth);
        var staff = await ClientAsync(h.Factory, called, "staff-client", ApiScopes.Staff);
        var printService = await ClientAsync(h.Factory, called, "print-service", ApiScopes.Letters);
        var auditor = await ClientAsync(h.Factory, called, "auditor", ApiScopes.AuditRead);
        var (person, code) = await h.PersonWithCodeAsync();

        var verified = await ivr.VerifyMachineAuthAsync(new VerifyBody(cardNumber: person.Card, channel: "portal", code: code, kvnr: person.Kvnr,
            source: new SourceBody(callerId: "+4964211234", callId: "call-1", ip: null)), Ct);
        Assert.True(verified.Verified);
        Assert.Equal("hoch", verified.Level);
        // The authentication is bound to the call: the staff workspace's screen pop finds it by the call id.
        Assert.Equal("call-1", await h.WithDbAsync(db => db.Authentications.Where(a => a.Id == verified.AuthenticationId).Select(a => a.CallId).SingleAsync(Ct)));

        var wrong = await Assert.ThrowsAsync<PforteApiException<Problem>>(() => ivr.VerifyMachineAuthAsync(
            new VerifyBody(cardNumber: person.Card, channel: "portal", code: code == "0000" ? "1111" : "0000", kvnr: person.Kvnr, source: null), Ct));
        Assert.Equal((401, "PF-MA-001"), (wrong.StatusCode, wrong.Result.Code));

        var changed = await ivr.ChangeMachineAuthCodeAsync(new ChangeBody(cardNumber: person.Card, channel: "portal", code: code, kvnr: person.Kvnr, newCode: "3859", source: null), Ct);
        Assert.True(changed.Changed);

        var status = await staff.GetCodeStatusAsync(person.Kvnr, Ct);
        Assert.Equal(person.Kvnr, status.Kvnr);

        var letters = await staff.ListLettersAsync(person.Kvnr, Ct);
        var handedOver = letters.First(l => l.ExportedAt is not null);
        var batch = await printService.GetLetterBatchAsync(handedOver.BatchId!.Value.ToString(), Ct);
        Assert.Contains(batch.Letters, l => l.LetterId == handedOver.Id && l.State == "handed-over");
        var returned = await printService.MarkLetterReturnedAsync(handedOver.Id.ToString(), Ct);
        Assert.Equal(handedOver.Id, returned.LetterId);
        Assert.Equal("returned", (await printService.GetLetterStatusAsync(handedOver.Id.ToString(), Ct)).State);

        var other = await h.AddPersonAsync();
        var reissued = await staff.ReissueCodeAsync(other.Kvnr, new ReissueBody("Versicherte Person hat den Brief nicht erhalten"), Ct);
        Assert.NotEqual(Guid.Empty, reissued.LetterId);

        var page = await auditor.GetAuditEntriesAsync(from: null, to: null, kvnr: person.Kvnr, eventType: null, cursor: null, limit: "50", Ct);
        Assert.NotEmpty(page.Entries);
        Assert.All(page.Entries, e => Assert.Equal(person.Kvnr, e.SubjectKvnr));
        Assert.True((await auditor.VerifyAuditChainAsync(Ct)).Intact);
        Assert.Equal(MachineOperations.Order(), called.Operations(Document).Order());
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Insured_representatives_disclosure_and_authentications_through_the_client(string provider)
    {
        await using var h = await DisclosureHarness.CreateAsync(provider);
        var called = new Called();
        var core = await ClientAsync(h.Factory, called, "core-system", ApiScopes.InsuredRead, ApiScopes.InsuredWrite);
        var staff = await ClientAsync(h.Factory, called, "desk-client", ApiScopes.Staff);
        var portal = await ClientAsync(h.Factory, called, "portal-client", ApiScopes.Portal);
        var p = await h.AddPersonAsync();

        var insured = await core.GetInsuredAsync(p.Kvnr, Ct);
        Assert.Equal(p.Kvnr, insured.Kvnr);
        var put = await core.PutInsuredAsync(TestData.Kvnr(4242), new InsuredDocument(birthDate: "1980-02-29", cardIssuedOn: null, cardNumber: null,
            city: "Marburg", country: "DE", deceasedOn: null, familyName: "Müßig", givenName: "Jürgen", houseNumber: "5a", insuranceEnd: null,
            insuranceKind: "member", insuranceStart: "2000-01-01", kvnr: null, mainMemberKvnr: null, postalCode: "35037", street: "Große Straße"), Ct);
        Assert.Equal("Müßig", put.FamilyName);

        var representative = await core.RecordRepresentativeAsync(p.Kvnr, new RepresentativeRequest(birthDate: null, einwilligungsvorbehalt: false,
            familyName: "Vertreter", givenName: "Volker", kind: "bevollmaechtigter", proofReference: "Vollmacht vom 02.01.2025",
            representativeKvnr: null, scope: ["*"], validFrom: new DateOnly(2025, 1, 1), validTo: null), Ct);
        Assert.Equal("Vertreter", representative.FamilyName);
        Assert.Single(await core.ListRepresentativesAsync(p.Kvnr, Ct));

        var channels = await staff.ListChannelsAsync(Ct);
        Assert.Contains(channels.Channels, c => c.Id == "email" && !c.PersonalDataOutbound);

        var refused = await Assert.ThrowsAsync<PforteApiException<Problem>>(() => staff.ReleaseOutboundAsync(
            new OutboundBody(channel: "email", containsPersonalData: true, purpose: "Leistungsbescheid", subjectKvnr: p.Kvnr), Ct));
        Assert.Equal((422, "PF-DIS-007"), (refused.StatusCode, refused.Result.Code));
        var released = await staff.ReleaseOutboundAsync(new OutboundBody(channel: "letter", containsPersonalData: true, purpose: "Leistungsbescheid", subjectKvnr: p.Kvnr), Ct);
        Assert.True(released.Released);

        var round = await staff.DrawPhoneQuestionsAsync(new DrawBody(kvnr: p.Kvnr, staffId: "agent-1"), Ct);
        var byPhone = await staff.AnswerPhoneQuestionsAsync(round.RoundId,
            new AnswersBody(round.Questions.ToDictionary(q => q.Id, q => DisclosureHarness.RightAnswer(q.Id, p)), staffId: "agent-1"), Ct);
        Assert.Equal("phone", byPhone.Channel);

        var decision = await staff.DecideDisclosureAsync(new DecideBody(authenticationId: byPhone.AuthenticationId, channel: "phone",
            direction: "outbound", requestKind: "insurance-status", subjectKvnr: p.Kvnr), Ct);
        Assert.False(string.IsNullOrEmpty(decision.Explanation));

        var inPerson = await staff.RecordInPersonAuthenticationAsync(new InPersonBody(documentNumberLast4: "L01X", documentType: "personalausweis",
            kvnr: p.Kvnr, photoMatches: true, representativeId: null, staffId: "bc-marburg-7"), Ct);
        Assert.Equal("hoch", inPerson.Level);

        var written = await staff.RecordWrittenAuthenticationAsync(new WrittenBody(channel: "letter", kvnr: p.Kvnr,
            matched: new MatchedDetails(addressOrBirthDate: true, kvnr: true, name: true, signature: true), representativeId: null, staffId: "backoffice-3"), Ct);
        Assert.True(written.AnswerByPostToRegisteredAddress);

        var login = await portal.RecordPortalLoginAsync(new PortalLoginBody(factors: ["password", "eid"], kvnr: p.Kvnr, portalSessionId: "sess-42", representativeId: null), Ct);
        Assert.Equal("portal-login", login.Method);
        Assert.Equal(OtherOperations.Order(), called.Operations(Document).Order());
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Phone_dialogue_through_the_client(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var called = new Called();
        var ivr = await ClientAsync(h.Factory, called, "ivr-client", ApiScopes.MachineAuth);
        var staff = await ClientAsync(h.Factory, called, "staff-client", ApiScopes.Staff);
        var (person, code) = await h.PersonWithCodeAsync();

        Assert.Equal("kvnr", (await ivr.StartIvrCallAsync(new IvrStartBody(callId: "c-1", callerId: "+4964211234", dialledNumber: null), Ct)).Collect!.Field);
        foreach (var keys in new[] { Ivr.IvrDriver.Keyed(person.Kvnr), "1", person.Card[^10..] })
        {
            await ivr.SendIvrInputAsync("c-1", new IvrInputBody(kind: "dtmf", digits: keys, text: null), Ct);
        }
        var end = await ivr.SendIvrInputAsync("c-1", new IvrInputBody(kind: "dtmf", digits: code, text: null), Ct);
        Assert.Equal("verified", end.HandoverReason);
        var record = await staff.ReadIvrCallAsync("c-1", Ct);
        Assert.Equal(end.AuthenticationId, record.AuthenticationId);

        using (var document = await ivr.StartIvrCallVoiceXmlAsync("c-2", null, null, Ct))
        {
            Assert.Contains("<vxml", await new StreamReader(document.Stream).ReadToEndAsync(Ct), StringComparison.Ordinal);
        }
        using (var document = await ivr.SendIvrInputVoiceXmlAsync("c-2", new IvrVoiceXmlForm(kind: "hangup", digits: null), Ct))
        {
            Assert.Contains("<exit", await new StreamReader(document.Stream).ReadToEndAsync(Ct), StringComparison.Ordinal);
        }
        Assert.Superset(IvrOperations.ToHashSet(), called.Operations(Document));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Contact_requests_through_the_client(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var called = new Called();
        var staff = await ClientAsync(h.Factory, called, "staff-client", ApiScopes.Staff);
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
        await using (var scope = h.Factory.Services.CreateAsyncScope())
        {
            var submitted = await scope.ServiceProvider.GetRequiredService<Pforte.Core.ContactForm.SubmitContactRequest>().ExecuteAsync(h.Kasse.Id,
                new Pforte.Core.ContactForm.ContactSubmission("general-information", "Hildegard", "Wunderlich", "03.09.1958", null, "Am Kirchberg", "12a", "35037", "Marburg",
                    "Frage", [new Pforte.Core.Mailbox.NewFile("foto.png", png)]), Pforte.Core.Audit.AuditContext.System("test"), Ct);
            Assert.True(submitted.IsSuccess);
        }
        var person = await h.AddPersonAsync();

        var listed = Assert.Single(await staff.ListContactRequestsAsync("open", 10, Ct));
        var read = await staff.ReadContactRequestAsync(listed.Id.ToString(), Ct);
        Assert.Equal("Frage", read.Details.Message);
        using (var file = await staff.ReadContactRequestAttachmentAsync(listed.Id.ToString(), read.Attachments.Single().Id.ToString(), Ct))
        {
            Assert.Equal(200, file.StatusCode);
        }
        var written = await staff.RecordWrittenAuthenticationAsync(new WrittenBody(channel: "contact-form", kvnr: person.Kvnr, matched: new MatchedDetails(addressOrBirthDate: true, kvnr: true, name: true, signature: false),
            representativeId: null, staffId: "backoffice-3"), Ct);
        Assert.Equal(person.Id, (await staff.MatchContactRequestAsync(listed.Id.ToString(), new ContactMatchRequest(written.AuthenticationId), Ct)).MatchedPersonId);
        Assert.Equal("answered", (await staff.MarkContactRequestAnsweredAsync(listed.Id.ToString(), Ct)).Status);
        Assert.Equal("closed", (await staff.CloseContactRequestAsync(listed.Id.ToString(), Ct)).Status);
        Assert.Superset(ContactOperations.ToHashSet(), called.Operations(Document));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Mailbox_team_work_through_the_client(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var called = new Called();
        var staff = await ClientAsync(h.Factory, called, "workspace", ApiScopes.Staff);
        var person = await h.AddPersonAsync();
        Guid threadId;
        await using (var scope = h.Factory.Services.CreateAsyncScope())
        {
            var context = Pforte.Core.Portal.PortalAudit.Context(person.Id, null, "198.51.100.7", "s1");
            var login = await scope.ServiceProvider.GetRequiredService<Pforte.Core.Authentication.RecordAuthentication>().PortalLoginAsync(h.Kasse.Id, Guid.CreateVersion7(),
                new Pforte.Core.Authentication.PortalLoginInput(person.Kvnr, [Pforte.Core.Authentication.PortalLoginFactors.Password, Pforte.Core.Authentication.PortalLoginFactors.Totp], "s1", null), context, Ct);
            var actor = new Pforte.Core.Mailbox.MailboxActor(h.Kasse.Id, person.Id, null, login.Value.Id, context);
            threadId = (await scope.ServiceProvider.GetRequiredService<Pforte.Core.Mailbox.PersonMailbox>().StartAsync(actor, "insurance-status", "Bescheinigung",
                "Bitte eine Mitgliedsbescheinigung.", [], Ct)).Value;
        }
        var id = threadId.ToString();
        Assert.Contains((await staff.ListTeamThreadsAsync("insurance-status", cancellationToken: Ct)).Items, t => t.Id == threadId);
        Assert.Equal("Bitte eine Mitgliedsbescheinigung.", (await staff.ReadThreadAsync(id, "bo-1", Ct)).Messages.Single().Body);
        Assert.Equal("in-progress", (await staff.AssignThreadAsync(id, new AssignBody("bo-2", "bo-1"), Ct)).Status);
        await staff.SetThreadDueAsync(id, new DueBody(DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "bo-2"), Ct);
        await staff.AddThreadNoteAsync(id, new NoteBody("bo-2", "Arbeitgeber anrufen"), Ct);
        var template = await staff.CreateReplyTemplateAsync(new TemplateBody("Bescheinigung verschickt", "bo-2", "Die Bescheinigung ist unterwegs.", "insurance-status"), Ct);
        Assert.Contains(await staff.ListReplyTemplatesAsync("insurance-status", Ct), t => t.Id == template.Id);
        await staff.ReplyToThreadAsync(id, new ReplyBody(null, [new FileBody(TestFiles.Pdf("Bescheinigung"), "bescheinigung.pdf")], "bo-2", template.Id.ToString()), Ct);
        var thread = await staff.ReadThreadAsync(id, "bo-2", Ct);
        var attachment = thread.Messages.Last().Attachments.Single();
        Assert.Equal("bescheinigung.pdf", attachment.FileName);
        using (var file = await staff.ReadThreadAttachmentAsync(id, attachment.Id.ToString(), "bo-2", Ct))
        {
            using var bytes = new MemoryStream();
            await file.Stream.CopyToAsync(bytes, Ct);
            Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(bytes.ToArray(), 0, 5));
        }
        Assert.Equal("closed", (await staff.SetThreadStatusAsync(id, new StatusBody("bo-2", "closed"), Ct)).Status);
        // A document for a person without electronic delivery: refused (409), to be sent by post.
        var refused = await Assert.ThrowsAsync<PforteApiException<Problem>>(() => staff.DeliverDocumentAsync(person.Kvnr,
            new DocumentBody(TestFiles.Pdf("Bescheid"), "bescheid.pdf", null, "Bescheid", null), Ct));
        Assert.Equal(409, refused.StatusCode);
        Assert.Superset(MailboxOperations.ToHashSet(), called.Operations(Document));
    }
}
