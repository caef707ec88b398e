using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Portal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "bank_accounts",
                columns: table => new
                {
                    person_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kasse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    iban = table.Column<string>(type: "TEXT", maxLength: 34, nullable: false),
                    account_holder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    changed_at = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                name: "branches",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kasse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    street = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    house_number = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    postal_code = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    city = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    opening_hours = table.Column<string>(type: "TEXT", maxLength: 567, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_branches", x => x.id);
                    table.ForeignKey(
                        name: "FK_branches_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "contact_emails",
                columns: table => new
                {
                    person_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kasse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    address = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    confirmed_at = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kasse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    person_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    address = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    token_hash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                name: "portal_accounts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kasse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    person_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    completed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    sealed_authenticator_key = table.Column<byte[]>(type: "BLOB", maxLength: 64, nullable: true),
                    last_totp_step = table.Column<long>(type: "INTEGER", nullable: false),
                    user_name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    normalized_user_name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    email = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    normalized_email = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    email_confirmed = table.Column<bool>(type: "INTEGER", nullable: false),
                    password_hash = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    security_stamp = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    concurrency_stamp = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    phone_number = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    phone_number_confirmed = table.Column<bool>(type: "INTEGER", nullable: false),
                    two_factor_enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    lockout_end = table.Column<DateTime>(type: "TEXT", nullable: true),
                    lockout_enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    access_failed_count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_portal_accounts", x => x.id);
                    table.ForeignKey(
                        name: "FK_portal_accounts_insured_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "insured_persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_portal_accounts_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "portal_activations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kasse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    person_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    letter_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    code_hash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    key_version = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    used_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    failures = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_portal_activations", x => x.id);
                    table.ForeignKey(
                        name: "FK_portal_activations_insured_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "insured_persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_portal_activations_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_portal_activations_letters_letter_id",
                        column: x => x.letter_id,
                        principalTable: "letters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "scheduled_address_changes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kasse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    person_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    street = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    house_number = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    postal_code = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    city = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    country = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    effective_on = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    requested_at = table.Column<DateTime>(type: "TEXT", nullable: false)
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

            migrationBuilder.CreateTable(
                name: "portal_account_claims",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    claim_type = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    claim_value = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_portal_account_claims", x => x.id);
                    table.ForeignKey(
                        name: "FK_portal_account_claims_portal_accounts_user_id",
                        column: x => x.user_id,
                        principalTable: "portal_accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "portal_account_logins",
                columns: table => new
                {
                    login_provider = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    provider_key = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    provider_display_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_portal_account_logins", x => new { x.login_provider, x.provider_key });
                    table.ForeignKey(
                        name: "FK_portal_account_logins_portal_accounts_user_id",
                        column: x => x.user_id,
                        principalTable: "portal_accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "portal_account_passkeys",
                columns: table => new
                {
                    credential_id = table.Column<byte[]>(type: "BLOB", maxLength: 1024, nullable: false),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    data = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_portal_account_passkeys", x => x.credential_id);
                    table.ForeignKey(
                        name: "FK_portal_account_passkeys_portal_accounts_user_id",
                        column: x => x.user_id,
                        principalTable: "portal_accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "portal_account_tokens",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    login_provider = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    value = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_portal_account_tokens", x => new { x.user_id, x.login_provider, x.name });
                    table.ForeignKey(
                        name: "FK_portal_account_tokens_portal_accounts_user_id",
                        column: x => x.user_id,
                        principalTable: "portal_accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "portal_sessions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    account_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kasse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    person_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    authentication_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    level = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    factors = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    last_seen_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    revoked_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    device = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_portal_sessions", x => x.id);
                    table.ForeignKey(
                        name: "FK_portal_sessions_portal_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "portal_accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_bank_accounts_kasse_id",
                table: "bank_accounts",
                column: "kasse_id");

            migrationBuilder.CreateIndex(
                name: "IX_branches_kasse_id_name",
                table: "branches",
                columns: new[] { "kasse_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_branches_kasse_id_postal_code",
                table: "branches",
                columns: new[] { "kasse_id", "postal_code" });

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
                name: "IX_portal_account_claims_user_id",
                table: "portal_account_claims",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "IX_portal_account_logins_user_id",
                table: "portal_account_logins",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "IX_portal_account_passkeys_user_id",
                table: "portal_account_passkeys",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "IX_portal_accounts_kasse_id",
                table: "portal_accounts",
                column: "kasse_id");

            migrationBuilder.CreateIndex(
                name: "IX_portal_accounts_normalized_user_name",
                table: "portal_accounts",
                column: "normalized_user_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_portal_accounts_person_id",
                table: "portal_accounts",
                column: "person_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_portal_activations_kasse_id",
                table: "portal_activations",
                column: "kasse_id");

            migrationBuilder.CreateIndex(
                name: "IX_portal_activations_letter_id",
                table: "portal_activations",
                column: "letter_id");

            migrationBuilder.CreateIndex(
                name: "IX_portal_activations_person_id_created_at",
                table: "portal_activations",
                columns: new[] { "person_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_portal_sessions_account_id_created_at",
                table: "portal_sessions",
                columns: new[] { "account_id", "created_at" });

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
                name: "branches");

            migrationBuilder.DropTable(
                name: "contact_emails");

            migrationBuilder.DropTable(
                name: "email_confirmations");

            migrationBuilder.DropTable(
                name: "portal_account_claims");

            migrationBuilder.DropTable(
                name: "portal_account_logins");

            migrationBuilder.DropTable(
                name: "portal_account_passkeys");

            migrationBuilder.DropTable(
                name: "portal_account_tokens");

            migrationBuilder.DropTable(
                name: "portal_activations");

            migrationBuilder.DropTable(
                name: "portal_sessions");

            migrationBuilder.DropTable(
                name: "scheduled_address_changes");

            migrationBuilder.DropTable(
                name: "portal_accounts");
        }
    }
}
