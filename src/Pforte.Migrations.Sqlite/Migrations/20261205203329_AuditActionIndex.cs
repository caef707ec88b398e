using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AuditActionIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_kasse_id_action_occurred_at",
                table: "audit_entries",
                columns: new[] { "kasse_id", "action", "occurred_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_entries_kasse_id_action_occurred_at",
                table: "audit_entries");
        }
    }
}
