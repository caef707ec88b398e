using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Persistence;

namespace Pforte.Core.Authentication;

public sealed record DrawnQuestion(string Id, string Text);

public sealed record QuestionRound(Guid RoundId, IReadOnlyList<DrawnQuestion> Questions, DateTimeOffset ExpiresAt, int TriesLeftToday);

public sealed record AnswerOutcome(PersonAuthentication? Authentication, Error? Error, int TriesLeftToday);

/// <summary>
/// Who performs an authentication: the calling API client (null for the staff workspace, which is not an API client)
/// and, for staff, the agent.
/// </summary>
public sealed record Performer(Guid? ClientId, string? StaffId)
{
    public const string StaffIdField = "staffId";

    /// <summary>The staff member's id under the input policy (at most 64 characters, NFC); missing → PF-AUTH-011 when required.</summary>
    public static Result<string?> CheckStaffId(string? staffId, bool required)
    {
        if (!required)
        {
            return TextInput.Optional(StaffIdField, staffId, TextInput.ShortText);
        }
        if (!TextInput.Required(StaffIdField, staffId, TextInput.ShortText, new Error(ErrorCodes.StaffIdMissing)).TryGetValue(out var id, out var error))
        {
            return error;
        }
        return id;
    }
}

/// <summary>
/// Phone questions (knowledge-based authentication). Drawing returns only question texts; answering compares inside
/// <see cref="PhoneQuestionCatalogue"/>. A failed round counts one try of the person's daily limit with one atomic
/// upsert in the database, shared by every agent, the IVR and every process; the try is reserved before comparing,
/// so parallel rounds cannot exceed the limit, and given back when the answers are right.
/// </summary>
public sealed class PhoneQuestionRounds(PforteDbContext db, AuditLog audit, IOptions<PhoneQuestionOptions> options, Disclosure.DisclosurePolicy policy, TimeProvider clock)
{
    private readonly PhoneQuestionOptions _options = options.Value;

    /// <summary>The longest answer looked at (a street with house number, a date).</summary>
    public const int MaxAnswerLength = 200;

    public async Task<Result<QuestionRound>> DrawAsync(Guid kasseId, string kvnr, Performer performer, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(performer);
        if (!Kvnr.Parse(kvnr).TryGetValue(out var parsed, out var error))
        {
            return error;
        }
        if (!Performer.CheckStaffId(performer.StaffId, required: false).TryGetValue(out var staffId, out error))
        {
            return error;
        }
        performer = performer with { StaffId = staffId };
        if (policy.Offers(Disclosure.Channels.Phone, AuthenticationMethods.PhoneQuestions) is { } notOffered)
        {
            return notOffered;
        }
        var person = await db.InsuredPersons.AsNoTracking().SingleOrDefaultAsync(p => p.KasseId == kasseId && p.Kvnr == parsed.Value, cancellationToken).ConfigureAwait(false);
        if (person is null)
        {
            return new Error(ErrorCodes.ApiPersonNotFound);
        }
        if (await DeceasedGuard.RefuseAsync(db, audit, kasseId, person, AuthenticationMethods.PhoneQuestions, context, cancellationToken).ConfigureAwait(false) is { } deceased)
        {
            return deceased;
        }
        var facts = await LoadFactsAsync(person, cancellationToken).ConfigureAwait(false);
        var today = Day();
        var tries = await db.PhoneQuestionTries.AsNoTracking().Where(t => t.PersonId == person.Id && t.Day == today)
            .Select(t => t.Tries).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);

        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        if (tries >= _options.MaxTriesPerDay)
        {
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.PhoneQuestionsTryLimitReached, AuditOutcome.Refused, person.Id, person.Kvnr,
                ReasonCode: "try-limit", Details: Staff(performer)), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new Error(ErrorCodes.PhoneQuestionsTryLimit, tries);
        }

        var knowledge = PhoneQuestionCatalogue.Knowledge.Where(q => PhoneQuestionCatalogue.IsAvailable(q, facts)).ToList();
        var questions = new List<string>(_options.Count);
        if (_options.RequirePossession)
        {
            if (!PhoneQuestionCatalogue.IsAvailable(PhoneQuestionCatalogue.CardLastDigits, facts))
            {
                return new Error(ErrorCodes.PhoneQuestionsUnavailable);
            }
            questions.Add(PhoneQuestionCatalogue.CardLastDigits);
        }
        if (knowledge.Count < _options.Count - questions.Count)
        {
            return new Error(ErrorCodes.PhoneQuestionsUnavailable);
        }
        // Random draw (Fisher–Yates with the CSPRNG): an impostor cannot prepare for a fixed set.
        for (var i = knowledge.Count - 1; i > 0; i--)
        {
            var j = RandomNumberGenerator.GetInt32(i + 1);
            (knowledge[i], knowledge[j]) = (knowledge[j], knowledge[i]);
        }
        questions.AddRange(knowledge.Take(_options.Count - questions.Count));
        // The possession item is not always first, so the order gives nothing away.
        var at = RandomNumberGenerator.GetInt32(questions.Count);
        (questions[0], questions[at]) = (questions[at], questions[0]);

        var now = clock.GetUtcNow();
        var session = new PhoneQuestionSession
        {
            Id = Guid.CreateVersion7(),
            KasseId = kasseId,
            PersonId = person.Id,
            Questions = string.Join(',', questions),
            StaffId = performer.StaffId,
            ClientId = performer.ClientId,
            CreatedAt = now,
            ExpiresAt = now + _options.RoundValidity,
        };
        db.PhoneQuestionSessions.Add(session);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.PhoneQuestionsDrawn, AuditOutcome.Info, person.Id, person.Kvnr,
            Details: $"{{\"round\":\"{session.Id}\",\"questions\":\"{session.Questions}\"{StaffField(performer)}}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new QuestionRound(session.Id, questions.Select(q => new DrawnQuestion(q, PhoneQuestionCatalogue.Text(q, _options.CardDigits))).ToList(),
            session.ExpiresAt, _options.MaxTriesPerDay - tries);
    }

    public async Task<AnswerOutcome> AnswerAsync(Guid kasseId, Guid roundId, IReadOnlyDictionary<string, string?> answers, Performer performer, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(performer);
        if (!Performer.CheckStaffId(performer.StaffId, required: false).TryGetValue(out var staffId, out var invalid))
        {
            return new AnswerOutcome(null, invalid, 0);
        }
        performer = performer with { StaffId = staffId };
        foreach (var (id, answer) in answers)
        {
            // Nothing counted: characters no answer can hold are an input error, not a guess.
            if ((TextInput.Check("answers", id, TextInput.ShortText) ?? TextInput.Check($"answers.{id}", answer, MaxAnswerLength)) is { } bad)
            {
                return new AnswerOutcome(null, bad, 0);
            }
        }
        var now = clock.GetUtcNow();
        var session = await db.PhoneQuestionSessions.AsNoTracking()
            .SingleOrDefaultAsync(s => s.Id == roundId && s.KasseId == kasseId, cancellationToken).ConfigureAwait(false);
        if (session is null || session.AnsweredAt is not null || session.ExpiresAt <= now)
        {
            return new AnswerOutcome(null, new Error(ErrorCodes.PhoneQuestionSessionUnknown), 0);
        }
        var ids = session.Questions.Split(',');
        var missing = ids.Where(q => !answers.TryGetValue(q, out var a) || string.IsNullOrWhiteSpace(a)).ToList();
        if (missing.Count > 0)
        {
            // Nothing counted: an incomplete form is an input error, not a guess.
            return new AnswerOutcome(null, new Error(ErrorCodes.PhoneQuestionsAnswerMissing, string.Join(", ", missing)), 0);
        }

        var person = await db.InsuredPersons.AsNoTracking().SingleAsync(p => p.Id == session.PersonId, cancellationToken).ConfigureAwait(false);
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        // One round is answered once: claim it atomically (a second submission of the same round gets nothing).
        var claimed = await db.PhoneQuestionSessions.Where(s => s.Id == roundId && s.AnsweredAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.AnsweredAt, now), cancellationToken).ConfigureAwait(false);
        if (claimed == 0)
        {
            return new AnswerOutcome(null, new Error(ErrorCodes.PhoneQuestionSessionUnknown), 0);
        }
        var day = Day();
        var tries = await ReserveTryAsync(person.Id, day, cancellationToken).ConfigureAwait(false);
        if (tries > _options.MaxTriesPerDay)
        {
            await ReleaseTryAsync(person.Id, day, cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.PhoneQuestionsTryLimitReached, AuditOutcome.Refused, person.Id, person.Kvnr,
                ReasonCode: "try-limit", Details: Staff(performer)), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new AnswerOutcome(null, new Error(ErrorCodes.PhoneQuestionsTryLimit, _options.MaxTriesPerDay), 0);
        }

        var facts = await LoadFactsAsync(person, cancellationToken).ConfigureAwait(false);
        var wrong = ids.Where(q => !PhoneQuestionCatalogue.Matches(q, facts, answers[q], _options.CardDigits)).ToList();
        if (wrong.Count > 0)
        {
            var left = Math.Max(0, _options.MaxTriesPerDay - tries);
            // Which questions were wrong goes to the record only (not to the caller: it would tell an impostor what to research).
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.PhoneQuestionsFailed, AuditOutcome.Failure, person.Id, person.Kvnr,
                ReasonCode: left == 0 ? "wrong-answers-limit-reached" : "wrong-answers",
                Details: $"{{\"round\":\"{roundId}\",\"wrong\":\"{string.Join(',', wrong)}\",\"tries_today\":{tries}{StaffField(performer)}}}"), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            // The round that uses the last try is a wrong round like the others (401 with no tries left); only a further
            // attempt on this day is refused as over the limit (PF-AUTH-001, 429).
            return new AnswerOutcome(null, left == 0 ? new Error(ErrorCodes.PhoneQuestionsWrongNoTriesLeft) : new Error(ErrorCodes.PhoneQuestionsWrong, left), left);
        }

        await ReleaseTryAsync(person.Id, day, cancellationToken).ConfigureAwait(false);
        var authentication = new PersonAuthentication
        {
            Id = Guid.CreateVersion7(),
            KasseId = kasseId,
            PersonId = person.Id,
            Method = AuthenticationMethods.PhoneQuestions,
            Level = _options.Level,
            Channel = Channels.Phone,
            ClientId = performer.ClientId,
            StaffId = performer.StaffId ?? session.StaffId,
            CallId = context.SourceCallId,
            CreatedAt = now,
            ValidUntil = now + _options.AuthenticationValidity,
        };
        db.Authentications.Add(authentication);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.PhoneQuestionsPassed, AuditOutcome.Success, person.Id, person.Kvnr,
            Details: $"{{\"round\":\"{roundId}\",\"authentication\":\"{authentication.Id}\",\"level\":\"{authentication.Level}\"{StaffField(performer)}}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new AnswerOutcome(authentication, null, _options.MaxTriesPerDay - (tries - 1));
    }

    /// <summary>
    /// INSERT … ON CONFLICT DO UPDATE … RETURNING: the same statement on SQLite (3.35+) and PostgreSQL. The row stays
    /// locked until commit, so a parallel round of another agent waits and then sees this count.
    /// </summary>
    private async Task<int> ReserveTryAsync(Guid personId, int day, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQuery<int>($"""
            INSERT INTO phone_question_tries (person_id, day, tries) VALUES ({personId}, {day}, 1)
            ON CONFLICT (person_id, day) DO UPDATE SET tries = phone_question_tries.tries + 1
            RETURNING tries AS "Value"
            """).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Single();
    }

    private Task<int> ReleaseTryAsync(Guid personId, int day, CancellationToken cancellationToken) =>
        db.PhoneQuestionTries.Where(t => t.PersonId == personId && t.Day == day)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Tries, t => t.Tries - 1), cancellationToken);

    private async Task<PersonFacts> LoadFactsAsync(Insured.InsuredPerson person, CancellationToken cancellationToken)
    {
        var card = await db.HealthCards.AsNoTracking().Where(c => c.PersonId == person.Id && c.EndedAt == null)
            .Select(c => c.CardNumber).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        Insured.InsuredPerson? main = null;
        if (person.InsuranceKind == Insured.InsuranceKind.Family && person.MainMemberKvnr is { } mk)
        {
            main = await db.InsuredPersons.AsNoTracking().SingleOrDefaultAsync(p => p.KasseId == person.KasseId && p.Kvnr == mk, cancellationToken).ConfigureAwait(false);
        }
        return PersonFactsLoader.From(person, card, main);
    }

    private int Day()
    {
        var d = BerlinCalendar.Today(clock);
        return d.Year * 10000 + d.Month * 100 + d.Day;
    }

    private static string? Staff(Performer p) => p.StaffId is null ? null : $"{{\"staff\":\"{Json(p.StaffId)}\"}}";

    private static string StaffField(Performer p) => p.StaffId is null ? "" : $",\"staff\":\"{Json(p.StaffId)}\"";

    internal static string Json(string value) => System.Text.Json.JsonEncodedText.Encode(value).ToString();
}
