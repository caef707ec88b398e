using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Pforte.Core.Persistence;

#nullable disable

namespace Pforte.Migrations.Postgres.Migrations
{
    /// <summary>
    /// Every change to <c>api_clients</c> — revocation through Pforte or an operator's plain SQL — notifies channel
    /// <c>pforte_api_clients</c> when it commits; the web hosts clear their key caches on it (ADR 0010). Inserts need no
    /// notification: a new key is not in any cache.
    /// </summary>
    [DbContext(typeof(PforteDbContext))]
    [Migration("20261128210000_ApiClientsNotify")]
    public partial class ApiClientsNotify : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"CREATE OR REPLACE FUNCTION pforte_api_clients_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('pforte_api_clients', '');
    RETURN NULL;
END $$;");
            migrationBuilder.Sql(@"CREATE TRIGGER api_clients_changed AFTER UPDATE OR DELETE OR TRUNCATE ON api_clients
FOR EACH STATEMENT EXECUTE FUNCTION pforte_api_clients_changed();");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS api_clients_changed ON api_clients;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS pforte_api_clients_changed();");
        }
    }
}
