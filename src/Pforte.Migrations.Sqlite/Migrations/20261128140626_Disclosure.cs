using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Disclosure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "representative_id",
                table: "authentications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "staff_id",
                table: "authentications",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "phone_question_sessions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kasse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    person_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    questions = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    staff_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    client_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    answered_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_phone_question_sessions", x => x.id);
                    table.ForeignKey(
                        name: "FK_phone_question_sessions_insured_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "insured_persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_phone_question_sessions_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "phone_question_tries",
                columns: table => new
                {
                    person_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    day = table.Column<int>(type: "INTEGER", nullable: false),
                    tries = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_phone_question_tries", x => new { x.person_id, x.day });
                    table.ForeignKey(
                        name: "FK_phone_question_tries_insured_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "insured_persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_authentications_representative_id",
                table: "authentications",
                column: "representative_id");

            migrationBuilder.CreateIndex(
                name: "IX_phone_question_sessions_kasse_id",
                table: "phone_question_sessions",
                column: "kasse_id");

            migrationBuilder.CreateIndex(
                name: "IX_phone_question_sessions_person_id_created_at",
                table: "phone_question_sessions",
                columns: new[] { "person_id", "created_at" });

            migrationBuilder.AddForeignKey(
                name: "FK_authentications_representatives_representative_id",
                table: "authentications",
                column: "representative_id",
                principalTable: "representatives",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_authentications_representatives_representative_id",
                table: "authentications");

            migrationBuilder.DropTable(
                name: "phone_question_sessions");

            migrationBuilder.DropTable(
                name: "phone_question_tries");

            migrationBuilder.DropIndex(
                name: "IX_authentications_representative_id",
                table: "authentications");

            migrationBuilder.DropColumn(
                name: "representative_id",
                table: "authentications");

            migrationBuilder.DropColumn(
                name: "staff_id",
                table: "authentications");
        }
    }
}
