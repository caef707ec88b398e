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

    public static Surfaces From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<Surfaces>() ?? new Surfaces();
}
