using System.Globalization;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Insured;
using Pforte.Core.Workspace;

namespace Pforte.Workspace.Agent;

/// <summary>German wording of what the agent's screens show (texts in <c>Resources/Agent.resx</c>).</summary>
public static class AgentDisplay
{
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    /// <summary>"Verifiziert, Niveau hoch, 14:02 über IVR".</summary>
    public static string Verified(CardAuthentication a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return WorkspaceTexts.Agent.Format("Verified", WorkspaceTexts.Agent["Level_" + a.Level], Time(a.CreatedAt), Method(a.Method, a.Channel));
    }

    /// <summary>The same sentence for the screen pop's event.</summary>
    public static string Verified(CallVerification v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return WorkspaceTexts.Agent.Format("Verified", WorkspaceTexts.Agent["Level_" + v.Level], Time(v.CreatedAt), Method(v.Method, v.Channel));
    }

    public static string Method(string method, string channel) =>
        method == AuthenticationMethods.MachineCode && channel == Channels.Phone ? WorkspaceTexts.Agent["Method_ivr"] : WorkspaceTexts.Agent["Method_" + method];

    public static string Level(string level) => WorkspaceTexts.Agent["Level_" + level];

    public static string Time(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, BerlinCalendar.Zone).ToString("HH:mm", German);

    public static string DateTime(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, BerlinCalendar.Zone).ToString("dd.MM.yyyy HH:mm", German);

    public static string Date(DateOnly day) => day.ToString("dd.MM.yyyy", German);

    public static string Insurance(InsuranceKind kind) => WorkspaceTexts.Agent["Insurance_" + kind];

    public static string Representative(RepresentativeKind kind) => WorkspaceTexts.Agent["Representative_" + kind];

    public static string Scope(string scope) => scope == Pforte.Core.Insured.Representative.AllRequestKinds
        ? WorkspaceTexts.Agent["ScopeAll"] : string.Join(", ", scope.Split(',').Select(RequestKindNames.German));

    public static string Alternatives(GuidanceLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.Alternatives.Count == 0 ? "–" : string.Join(", ", line.Alternatives.Select(Channels.GermanName));
    }

    public static string CodeState(string state) => WorkspaceTexts.Agent["CodeState_" + state];

    private static readonly Lazy<HashSet<string>> Keys = new(() => new HashSet<string>(WorkspaceTexts.Agent.Keys(), StringComparer.Ordinal));

    public static string LetterKind(string kind) => Keys.Value.Contains("Letter_" + kind) ? WorkspaceTexts.Agent["Letter_" + kind] : kind;
}
