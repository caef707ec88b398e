using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class MailboxUnreadIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_mailbox_threads_unread",
                table: "mailbox_threads",
                columns: new[] { "person_id", "kasse_id" },
                filter: "unread_by_person AND NOT archived_by_person");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_mailbox_threads_unread",
                table: "mailbox_threads");
        }
    }
}
