using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AuditChains : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_entries_kasse_id_seq",
                table: "audit_entries");

            migrationBuilder.DropPrimaryKey(
                name: "PK_audit_chain_heads",
                table: "audit_chain_heads");

            migrationBuilder.AddColumn<int>(
                name: "chain",
                table: "audit_entries",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "chain",
                table: "audit_chain_heads",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddPrimaryKey(
                name: "PK_audit_chain_heads",
                table: "audit_chain_heads",
                columns: new[] { "kasse_id", "chain" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_kasse_id_chain_seq",
                table: "audit_entries",
                columns: new[] { "kasse_id", "chain", "seq" },
                unique: true);

            // Existing Kassen get the heads of the new chains (1..15; chain 0 is the old single chain).
            migrationBuilder.Sql(@"INSERT INTO audit_chain_heads (kasse_id, chain, last_seq, last_hash, first_seq, anchor_hash)
SELECT h.kasse_id, c.n, 0, decode(repeat('00', 32), 'hex'), 1, decode(repeat('00', 32), 'hex')
FROM audit_chain_heads h CROSS JOIN generate_series(1, 15) AS c(n)
WHERE h.chain = 0;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_entries_kasse_id_chain_seq",
                table: "audit_entries");

            migrationBuilder.DropPrimaryKey(
                name: "PK_audit_chain_heads",
                table: "audit_chain_heads");

            migrationBuilder.DropColumn(
                name: "chain",
                table: "audit_entries");

            migrationBuilder.DropColumn(
                name: "chain",
                table: "audit_chain_heads");

            migrationBuilder.AddPrimaryKey(
                name: "PK_audit_chain_heads",
                table: "audit_chain_heads",
                column: "kasse_id");

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_kasse_id_seq",
                table: "audit_entries",
                columns: new[] { "kasse_id", "seq" },
                unique: true);
        }
    }
}
