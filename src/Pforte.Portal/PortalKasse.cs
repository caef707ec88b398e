using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Portal;

/// <summary>What the layout needs of a Kasse: its name, and whether it has a logo and a colour.</summary>
public sealed record PortalBrand(Guid Id, string Ik, string Name, string? BrandColor, bool HasLogo);

/// <summary>
/// The Kasse a portal request belongs to: the signed-in person's Kasse, else the one configured for this node
/// (<see cref="PortalOptions.KasseIk"/>), else the only Kasse of the database. Null when none can be told
/// (no Kasse yet, or several and none configured): the pages then say the portal is not set up.
/// </summary>
public sealed class PortalKasse(PforteDbContext db, IOptions<PortalOptions> options, IHttpContextAccessor http)
{
    private PortalBrand? _current;
    private bool _resolved;

    public async Task<PortalBrand?> CurrentAsync(CancellationToken cancellationToken = default)
    {
        if (_resolved)
        {
            return _current;
        }
        var query = db.Kassen.AsNoTracking();
        if (PortalActor.From(http.HttpContext?.User) is { } actor)
        {
            query = query.Where(k => k.Id == actor.KasseId);
        }
        else if (options.Value.KasseIk is { Length: > 0 } ik)
        {
            query = query.Where(k => k.Ik == ik);
        }
        var found = await query.OrderBy(k => k.Ik).Take(2)
            .Select(k => new PortalBrand(k.Id, k.Ik, k.Name, k.BrandColor, k.LogoPng != null))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        _current = found.Count == 1 ? found[0] : null;
        _resolved = true;
        return _current;
    }

    /// <summary>The logo of a Kasse (PNG) or null.</summary>
    public Task<byte[]?> LogoAsync(Guid kasseId, CancellationToken cancellationToken = default) =>
        db.Kassen.AsNoTracking().Where(k => k.Id == kasseId).Select(k => k.LogoPng).SingleOrDefaultAsync(cancellationToken);
}
