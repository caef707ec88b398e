using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Pforte.Core.Persistence;

/// <summary>
/// A compiled query (<c>EF.CompileAsyncQuery</c>) for each EF model it meets. A compiled query binds to the model of its
/// first run, and the SQLite and PostgreSQL models differ, so one process that uses both (the tests, the tools) needs
/// one per model. For the hottest reads only: it saves EF's query-cache look-up on every call.
/// </summary>
internal sealed class CompiledPerModel<TQuery>(Func<TQuery> compile)
    where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _compiled = [];

    public TQuery For(DbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return _compiled.GetValue(db.Model, _ => compile());
    }
}
