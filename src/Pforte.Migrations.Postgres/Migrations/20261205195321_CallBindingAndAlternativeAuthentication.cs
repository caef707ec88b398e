using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CallBindingAndAlternativeAuthentication : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_authentications_kasse_id",
                table: "authentications");

            migrationBuilder.AddColumn<string>(
                name: "call_id",
                table: "authentications",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "alternative_authentication_needs",
                columns: table => new
                {
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    set_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    set_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alternative_authentication_needs", x => x.person_id);
                    table.ForeignKey(
                        name: "FK_alternative_authentication_needs_insured_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "insured_persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_alternative_authentication_needs_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_authentications_kasse_id_call_id",
                table: "authentications",
                columns: new[] { "kasse_id", "call_id" });

            migrationBuilder.CreateIndex(
                name: "IX_alternative_authentication_needs_kasse_id",
                table: "alternative_authentication_needs",
                column: "kasse_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alternative_authentication_needs");

            migrationBuilder.DropIndex(
                name: "IX_authentications_kasse_id_call_id",
                table: "authentications");

            migrationBuilder.DropColumn(
                name: "call_id",
                table: "authentications");

            migrationBuilder.CreateIndex(
                name: "IX_authentications_kasse_id",
                table: "authentications",
                column: "kasse_id");
        }
    }
}
