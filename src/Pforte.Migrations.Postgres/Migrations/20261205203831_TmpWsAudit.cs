using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class TmpWsAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_kasse_id_action_occurred_at_id",
                table: "audit_entries",
                columns: new[] { "kasse_id", "action", "occurred_at", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_kasse_id_actor_id_occurred_at_id",
                table: "audit_entries",
                columns: new[] { "kasse_id", "actor_id", "occurred_at", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_kasse_id_subject_kvnr_occurred_at_id",
                table: "audit_entries",
                columns: new[] { "kasse_id", "subject_kvnr", "occurred_at", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_entries_kasse_id_action_occurred_at_id",
                table: "audit_entries");

            migrationBuilder.DropIndex(
                name: "IX_audit_entries_kasse_id_actor_id_occurred_at_id",
                table: "audit_entries");

            migrationBuilder.DropIndex(
                name: "IX_audit_entries_kasse_id_subject_kvnr_occurred_at_id",
                table: "audit_entries");
        }
    }
}
