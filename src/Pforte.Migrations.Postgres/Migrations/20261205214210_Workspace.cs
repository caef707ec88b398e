using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Workspace : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_entries_kasse_id_action_occurred_at",
                table: "audit_entries");

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

            migrationBuilder.CreateTable(
                name: "staff_accounts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    display_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    roles = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    disabled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    external_issuer = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    external_subject = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    sealed_authenticator_key = table.Column<byte[]>(type: "bytea", maxLength: 64, nullable: true),
                    totp_confirmed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_totp_step = table.Column<long>(type: "bigint", nullable: false),
                    last_sign_in_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    user_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    normalized_user_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    email_confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    password_hash = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    security_stamp = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    concurrency_stamp = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    phone_number = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    phone_number_confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    two_factor_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    lockout_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lockout_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    access_failed_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_staff_accounts", x => x.id);
                    table.ForeignKey(
                        name: "FK_staff_accounts_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "staff_account_passkeys",
                columns: table => new
                {
                    credential_id = table.Column<byte[]>(type: "bytea", maxLength: 1024, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    data = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_staff_account_passkeys", x => x.credential_id);
                    table.ForeignKey(
                        name: "FK_staff_account_passkeys_staff_accounts_user_id",
                        column: x => x.user_id,
                        principalTable: "staff_accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "staff_sessions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    factors = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_staff_sessions", x => x.id);
                    table.ForeignKey(
                        name: "FK_staff_sessions_staff_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "staff_accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_insured_persons_kasse_id_birth_date",
                table: "insured_persons",
                columns: new[] { "kasse_id", "birth_date" });

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

            migrationBuilder.CreateIndex(
                name: "IX_code_reissue_requests_kasse_id_state_requested_at",
                table: "code_reissue_requests",
                columns: new[] { "kasse_id", "state", "requested_at" });

            migrationBuilder.CreateIndex(
                name: "IX_code_reissue_requests_person_id_state",
                table: "code_reissue_requests",
                columns: new[] { "person_id", "state" });

            migrationBuilder.CreateIndex(
                name: "IX_staff_account_passkeys_user_id",
                table: "staff_account_passkeys",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "IX_staff_accounts_external_issuer_external_subject",
                table: "staff_accounts",
                columns: new[] { "external_issuer", "external_subject" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_staff_accounts_kasse_id",
                table: "staff_accounts",
                column: "kasse_id");

            migrationBuilder.CreateIndex(
                name: "IX_staff_accounts_normalized_user_name",
                table: "staff_accounts",
                column: "normalized_user_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_staff_sessions_account_id_created_at",
                table: "staff_sessions",
                columns: new[] { "account_id", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "code_reissue_requests");

            migrationBuilder.DropTable(
                name: "staff_account_passkeys");

            migrationBuilder.DropTable(
                name: "staff_sessions");

            migrationBuilder.DropTable(
                name: "staff_accounts");

            migrationBuilder.DropIndex(
                name: "IX_insured_persons_kasse_id_birth_date",
                table: "insured_persons");

            migrationBuilder.DropIndex(
                name: "IX_audit_entries_kasse_id_action_occurred_at_id",
                table: "audit_entries");

            migrationBuilder.DropIndex(
                name: "IX_audit_entries_kasse_id_actor_id_occurred_at_id",
                table: "audit_entries");

            migrationBuilder.DropIndex(
                name: "IX_audit_entries_kasse_id_subject_kvnr_occurred_at_id",
                table: "audit_entries");

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_kasse_id_action_occurred_at",
                table: "audit_entries",
                columns: new[] { "kasse_id", "action", "occurred_at" });
        }
    }
}
