namespace Pforte.Web.Hosting;

/// <summary>
/// Which surfaces this node serves (<c>Pforte:Surfaces</c>): an operator runs internet-facing portal nodes apart from
/// intranet nodes with the API (and the staff workspace). Health and metrics are always there.
/// </summary>
public sealed class Surfaces
{
    public const string Section = "Pforte:Surfaces";

    /// <summary>The integration API under /api, its document and reference page.</summary>
    public bool Api { get; set; } = true;

    /// <summary>The portal "Meine Kasse" under /portal.</summary>
    public bool Portal { get; set; } = true;

    /// <summary>The staff workspace "Arbeitsplatz" under /arbeitsplatz (ADR 0023).</summary>
    public bool Workspace { get; set; } = true;

    /// <summary>
    /// Removes the Razor pages of a surface that is off: the host references both libraries, and MVC would otherwise
    /// map every page of every referenced library.
    /// </summary>
    public void KeepPagesOf(Microsoft.AspNetCore.Mvc.ApplicationParts.ApplicationPartManager parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var off = new List<string>();
        if (!Portal)
        {
            off.Add(typeof(Pforte.Portal.PortalSurface).Assembly.GetName().Name!);
        }
        if (!Workspace)
        {
            off.Add(typeof(Pforte.Workspace.WorkspaceSurface).Assembly.GetName().Name!);
        }
        foreach (var part in parts.ApplicationParts.Where(p => off.Any(name => p.Name.StartsWith(name, StringComparison.Ordinal))).ToList())
        {
            parts.ApplicationParts.Remove(part);
        }
    }

    public static Surfaces From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<Surfaces>() ?? new Surfaces();
}
