using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PendingReissueRequestIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_code_reissue_requests_pending",
                table: "code_reissue_requests",
                column: "person_id",
                unique: true,
                filter: "state = 'pending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_code_reissue_requests_pending",
                table: "code_reissue_requests");
        }
    }
}
