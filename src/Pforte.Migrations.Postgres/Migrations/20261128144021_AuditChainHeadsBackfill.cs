using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AuditChainHeadsBackfill : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Kassen created before there were several chains get the heads of chains 1..15 (chain 0 is the old one).
            migrationBuilder.Sql(@"INSERT INTO audit_chain_heads (kasse_id, chain, last_seq, last_hash, first_seq, anchor_hash)
SELECT h.kasse_id, c.n, 0, decode(repeat('00', 32), 'hex'), 1, decode(repeat('00', 32), 'hex')
FROM audit_chain_heads h CROSS JOIN generate_series(1, 15) AS c(n)
WHERE h.chain = 0
  AND NOT EXISTS (SELECT 1 FROM audit_chain_heads x WHERE x.kasse_id = h.kasse_id AND x.chain = c.n);");


        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
