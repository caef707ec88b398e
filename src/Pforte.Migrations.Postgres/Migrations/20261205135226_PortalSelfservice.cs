using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class PortalSelfservice : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "bank_accounts",
                columns: table => new
                {
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    iban = table.Column<string>(type: "character varying(34)", maxLength: 34, nullable: false),
                    account_holder = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bank_accounts", x => x.person_id);
                    table.ForeignKey(
                        name: "FK_bank_accounts_insured_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "insured_persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_bank_accounts_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "contact_emails",
                columns: table => new
                {
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    address = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    confirmed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_contact_emails", x => x.person_id);
                    table.ForeignKey(
                        name: "FK_contact_emails_insured_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "insured_persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_contact_emails_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "email_confirmations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    address = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_email_confirmations", x => x.id);
                    table.ForeignKey(
                        name: "FK_email_confirmations_insured_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "insured_persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_email_confirmations_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "scheduled_address_changes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    street = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    house_number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    postal_code = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    city = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    effective_on = table.Column<DateOnly>(type: "date", nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scheduled_address_changes", x => x.id);
                    table.ForeignKey(
                        name: "FK_scheduled_address_changes_insured_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "insured_persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_scheduled_address_changes_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_bank_accounts_kasse_id",
                table: "bank_accounts",
                column: "kasse_id");

            migrationBuilder.CreateIndex(
                name: "IX_contact_emails_kasse_id",
                table: "contact_emails",
                column: "kasse_id");

            migrationBuilder.CreateIndex(
                name: "IX_email_confirmations_kasse_id",
                table: "email_confirmations",
                column: "kasse_id");

            migrationBuilder.CreateIndex(
                name: "IX_email_confirmations_person_id",
                table: "email_confirmations",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "IX_email_confirmations_token_hash",
                table: "email_confirmations",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_address_changes_effective_on",
                table: "scheduled_address_changes",
                column: "effective_on");

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_address_changes_kasse_id",
                table: "scheduled_address_changes",
                column: "kasse_id");

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_address_changes_person_id",
                table: "scheduled_address_changes",
                column: "person_id",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "bank_accounts");

            migrationBuilder.DropTable(
                name: "contact_emails");

            migrationBuilder.DropTable(
                name: "email_confirmations");

            migrationBuilder.DropTable(
                name: "scheduled_address_changes");
        }
    }
}
