using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class TmpNotices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "contact_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    receipt_number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    topic = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    status_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    wrapped_key = table.Column<byte[]>(type: "bytea", maxLength: 64, nullable: false),
                    @sealed = table.Column<byte[]>(name: "sealed", type: "bytea", nullable: false),
                    attachment_count = table.Column<int>(type: "integer", nullable: false),
                    matched_person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    matched_authentication_id = table.Column<Guid>(type: "uuid", nullable: true),
                    matched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_contact_requests", x => x.id);
                    table.ForeignKey(
                        name: "FK_contact_requests_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "contact_attachments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    content_type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    sealed_name = table.Column<byte[]>(type: "bytea", nullable: false),
                    sealed_content = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_contact_attachments", x => x.id);
                    table.ForeignKey(
                        name: "FK_contact_attachments_contact_requests_request_id",
                        column: x => x.request_id,
                        principalTable: "contact_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_contact_attachments_request_id",
                table: "contact_attachments",
                column: "request_id");

            migrationBuilder.CreateIndex(
                name: "IX_contact_requests_kasse_id_created_at",
                table: "contact_requests",
                columns: new[] { "kasse_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_contact_requests_receipt_number",
                table: "contact_requests",
                column: "receipt_number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_contact_requests_status_at",
                table: "contact_requests",
                column: "status_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "contact_attachments");

            migrationBuilder.DropTable(
                name: "contact_requests");
        }
    }
}
