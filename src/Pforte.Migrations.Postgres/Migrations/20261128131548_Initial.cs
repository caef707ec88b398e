using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Pforte.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "kassen",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    ik = table.Column<string>(type: "character varying(9)", maxLength: 9, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    sender_street = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    sender_house_number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    sender_postal_code = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    sender_city = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    is_demo = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_kassen", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "api_clients",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    key_id = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    key_hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    scopes = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    is_demo = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_api_clients", x => x.id);
                    table.ForeignKey(
                        name: "FK_api_clients_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "audit_chain_heads",
                columns: table => new
                {
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    last_seq = table.Column<long>(type: "bigint", nullable: false),
                    last_hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    first_seq = table.Column<long>(type: "bigint", nullable: false),
                    anchor_hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_chain_heads", x => x.kasse_id);
                    table.ForeignKey(
                        name: "FK_audit_chain_heads_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "audit_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seq = table.Column<long>(type: "bigint", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor_kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    actor_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    subject_person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    subject_kvnr = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    action = table.Column<int>(type: "integer", nullable: false),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reason_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    source_ip = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    source_caller_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    source_call_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    correlation_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    details = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    prev_hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_entries", x => x.id);
                    table.ForeignKey(
                        name: "FK_audit_entries_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "insured_persons",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kvnr = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    family_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    given_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    birth_date = table.Column<DateOnly>(type: "date", nullable: false),
                    insurance_kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    main_member_kvnr = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    insurance_start = table.Column<DateOnly>(type: "date", nullable: false),
                    insurance_end = table.Column<DateOnly>(type: "date", nullable: true),
                    street = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    house_number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    postal_code = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    city = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    deceased_on = table.Column<DateOnly>(type: "date", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_insured_persons", x => x.id);
                    table.ForeignKey(
                        name: "FK_insured_persons_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "health_cards",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    card_number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    issued_on = table.Column<DateOnly>(type: "date", nullable: true),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_health_cards", x => x.id);
                    table.ForeignKey(
                        name: "FK_health_cards_insured_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "insured_persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "representatives",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    represented_person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    representative_person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    family_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    given_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    birth_date = table.Column<DateOnly>(type: "date", nullable: true),
                    scope = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    valid_from = table.Column<DateOnly>(type: "date", nullable: false),
                    valid_to = table.Column<DateOnly>(type: "date", nullable: true),
                    proof_reference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    einwilligungsvorbehalt = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_representatives", x => x.id);
                    table.ForeignKey(
                        name: "FK_representatives_insured_persons_representative_person_id",
                        column: x => x.representative_person_id,
                        principalTable: "insured_persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_representatives_insured_persons_represented_person_id",
                        column: x => x.represented_person_id,
                        principalTable: "insured_persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_representatives_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_api_clients_kasse_id_name",
                table: "api_clients",
                columns: new[] { "kasse_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_api_clients_key_id",
                table: "api_clients",
                column: "key_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_kasse_id_occurred_at",
                table: "audit_entries",
                columns: new[] { "kasse_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_kasse_id_seq",
                table: "audit_entries",
                columns: new[] { "kasse_id", "seq" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_kasse_id_subject_person_id_seq",
                table: "audit_entries",
                columns: new[] { "kasse_id", "subject_person_id", "seq" });

            migrationBuilder.CreateIndex(
                name: "IX_health_cards_card_number",
                table: "health_cards",
                column: "card_number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_health_cards_current",
                table: "health_cards",
                column: "person_id",
                unique: true,
                filter: "\"ended_at\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_health_cards_history",
                table: "health_cards",
                columns: new[] { "person_id", "recorded_at" });

            migrationBuilder.CreateIndex(
                name: "IX_insured_persons_kasse_id_kvnr",
                table: "insured_persons",
                columns: new[] { "kasse_id", "kvnr" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_kassen_ik",
                table: "kassen",
                column: "ik",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_representatives_kasse_id",
                table: "representatives",
                column: "kasse_id");

            migrationBuilder.CreateIndex(
                name: "IX_representatives_representative_person_id",
                table: "representatives",
                column: "representative_person_id");

            migrationBuilder.CreateIndex(
                name: "IX_representatives_represented_person_id",
                table: "representatives",
                column: "represented_person_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_clients");

            migrationBuilder.DropTable(
                name: "audit_chain_heads");

            migrationBuilder.DropTable(
                name: "audit_entries");

            migrationBuilder.DropTable(
                name: "health_cards");

            migrationBuilder.DropTable(
                name: "representatives");

            migrationBuilder.DropTable(
                name: "insured_persons");

            migrationBuilder.DropTable(
                name: "kassen");
        }
    }
}
