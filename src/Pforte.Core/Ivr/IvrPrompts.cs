using System.Globalization;
using System.Resources;
using System.Text;

namespace Pforte.Core.Ivr;

/// <summary>One announcement: a stable id (for recorded audio) and its German text (for speech synthesis).</summary>
public sealed record IvrPrompt(string Id, string Text);

/// <summary>The dialogue's prompts (Resources/IvrPrompts.resx; the table in docs/ivr.md lists every id).</summary>
public static class IvrPrompts
{
    public const string Welcome = "welcome";
    public const string KvnrAsk = "kvnr.ask";
    public const string KvnrInvalid = "kvnr.invalid";
    public const string KvnrReadBack = "kvnr.readback";
    public const string ConfirmInvalid = "confirm.invalid";
    public const string CardAsk = "card.ask";
    public const string CardInvalid = "card.invalid";
    public const string CodeAsk = "code.ask";
    public const string CodeInvalid = "code.invalid";
    public const string NoInput = "noinput";
    public const string Failed = "failed";
    public const string Again = "again";
    public const string Verified = "verified";
    public const string Unavailable = "unavailable";
    public const string Transfer = "transfer";

    /// <summary>Every prompt id, in the order of docs/ivr.md.</summary>
    public static readonly IReadOnlyList<string> All =
        [Welcome, KvnrAsk, KvnrInvalid, KvnrReadBack, ConfirmInvalid, CardAsk, CardInvalid, CodeAsk, CodeInvalid, NoInput, Failed, Again, Verified, Unavailable, Transfer];

    private static readonly ResourceManager Resources = new("Pforte.Core.Resources.IvrPrompts", typeof(IvrPrompts).Assembly);
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    public static IvrPrompt Get(string id, params object[] args)
    {
        var template = Resources.GetString(id, German) ?? throw new InvalidOperationException($"No prompt {id}.");
        return new IvrPrompt(id, args.Length == 0 ? template : string.Format(German, template, args));
    }

    /// <summary>"A, 1 2 3, 4 5 6, 7 8 9": the letter, then the digits in groups of three, for a calm read-back.</summary>
    public static string Spell(string kvnr)
    {
        ArgumentNullException.ThrowIfNull(kvnr);
        var text = new StringBuilder().Append(kvnr[0]);
        for (var i = 1; i < kvnr.Length; i++)
        {
            text.Append((i - 1) % 3 == 0 ? ", " : " ").Append(kvnr[i]);
        }
        return text.ToString();
    }
}
