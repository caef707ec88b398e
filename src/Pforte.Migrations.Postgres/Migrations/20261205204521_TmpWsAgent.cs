using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class TmpWsAgent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "code_reissue_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    requested_by = table.Column<string>(type: "character varying(70)", maxLength: 70, nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    decided_by = table.Column<string>(type: "character varying(70)", maxLength: 70, nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    letter_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_code_reissue_requests", x => x.id);
                    table.ForeignKey(
                        name: "FK_code_reissue_requests_insured_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "insured_persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_code_reissue_requests_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_insured_persons_kasse_id_birth_date",
                table: "insured_persons",
                columns: new[] { "kasse_id", "birth_date" });

            migrationBuilder.CreateIndex(
                name: "IX_code_reissue_requests_kasse_id_state_requested_at",
                table: "code_reissue_requests",
                columns: new[] { "kasse_id", "state", "requested_at" });

            migrationBuilder.CreateIndex(
                name: "IX_code_reissue_requests_person_id_state",
                table: "code_reissue_requests",
                columns: new[] { "person_id", "state" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "code_reissue_requests");

            migrationBuilder.DropIndex(
                name: "IX_insured_persons_kasse_id_birth_date",
                table: "insured_persons");
        }
    }
}
