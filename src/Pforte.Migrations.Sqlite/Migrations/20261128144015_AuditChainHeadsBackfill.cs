using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AuditChainHeadsBackfill : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Kassen created before there were several chains get the heads of chains 1..15 (chain 0 is the old one).
            migrationBuilder.Sql(@"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 15)
INSERT INTO audit_chain_heads (kasse_id, chain, last_seq, last_hash, first_seq, anchor_hash)
SELECT h.kasse_id, c.n, 0, zeroblob(32), 1, zeroblob(32)
FROM audit_chain_heads h, c
WHERE h.chain = 0
  AND NOT EXISTS (SELECT 1 FROM audit_chain_heads x WHERE x.kasse_id = h.kasse_id AND x.chain = c.n);");


        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
