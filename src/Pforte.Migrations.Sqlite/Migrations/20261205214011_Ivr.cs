using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Ivr : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ivr_calls",
                columns: table => new
                {
                    kasse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    call_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    client_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    caller_id = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    dialled_number = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    step = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    tries = table.Column<int>(type: "INTEGER", nullable: false),
                    failed_checks = table.Column<int>(type: "INTEGER", nullable: false),
                    kvnr = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    card_digits = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    person_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    authentication_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    handover_reason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    started_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ended_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ivr_calls", x => new { x.kasse_id, x.call_id });
                    table.ForeignKey(
                        name: "FK_ivr_calls_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ivr_calls_expires_at",
                table: "ivr_calls",
                column: "expires_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ivr_calls");
        }
    }
}
