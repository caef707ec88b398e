using Pforte.Portal;

namespace Pforte.Workspace;

/// <summary>The workspace's German texts, one set per part (<c>Resources/&lt;name&gt;.resx</c>; a missing key throws).</summary>
public static partial class WorkspaceTexts
{
    private static TextSet Set(string name) => new(name, typeof(WorkspaceTexts).Assembly, "Pforte.Workspace.Resources");

    /// <summary>Layout, navigation, start page, error pages, role names.</summary>
    public static readonly TextSet Shell = Set("Shell");

    /// <summary>Sign-in, second factor, enrolment, own account.</summary>
    public static readonly TextSet SignIn = Set("SignIn");

    /// <summary>Administration: staff accounts, API clients.</summary>
    public static readonly TextSet Admin = Set("Admin");

    /// <summary>The German name of a role ("Telefon", "Beratungscenter", …).</summary>
    public static string Role(string role) => Shell["Role_" + role];
}
