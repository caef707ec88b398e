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
