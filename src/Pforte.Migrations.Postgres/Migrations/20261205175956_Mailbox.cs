using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Mailbox : Migration
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
                    key_version = table.Column<int>(type: "integer", nullable: false),
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
                name: "electronic_deliveries",
                columns: table => new
                {
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    opted_in = table.Column<bool>(type: "boolean", nullable: false),
                    changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_electronic_deliveries", x => x.person_id);
                    table.ForeignKey(
                        name: "FK_electronic_deliveries_insured_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "insured_persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_electronic_deliveries_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "mailbox_notices",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    leased_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    leased_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    given_up_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mailbox_notices", x => x.id);
                    table.ForeignKey(
                        name: "FK_mailbox_notices_insured_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "insured_persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_mailbox_notices_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "mailbox_templates",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    topic = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    text = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    created_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mailbox_templates", x => x.id);
                    table.ForeignKey(
                        name: "FK_mailbox_templates_kassen_kasse_id",
                        column: x => x.kasse_id,
                        principalTable: "kassen",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "mailbox_threads",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kasse_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    topic = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    open = table.Column<bool>(type: "boolean", nullable: false),
                    assigned_staff_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_message_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    archived_by_person = table.Column<bool>(type: "boolean", nullable: false),
                    unread_by_person = table.Column<bool>(type: "boolean", nullable: false),
                    unread_by_kasse = table.Column<bool>(type: "boolean", nullable: false),
                    is_document = table.Column<bool>(type: "boolean", nullable: false),
                    message_count = table.Column<int>(type: "integer", nullable: false),
                    has_attachments = table.Column<bool>(type: "boolean", nullable: false),
                    last_from_kasse = table.Column<bool>(type: "boolean", nullable: false),
                    subject_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    wrapped_key = table.Column<byte[]>(type: "bytea", nullable: false),
                    key_version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mailbox_threads", x => x.id);
                    table.ForeignKey(
                        name: "FK_mailbox_threads_insured_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "insured_persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_mailbox_threads_kassen_kasse_id",
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

            migrationBuilder.CreateTable(
                name: "mailbox_messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    thread_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sender = table.Column<int>(type: "integer", nullable: false),
                    sender_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    body_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    wrapped_key = table.Column<byte[]>(type: "bytea", nullable: false),
                    key_version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mailbox_messages", x => x.id);
                    table.ForeignKey(
                        name: "FK_mailbox_messages_mailbox_threads_thread_id",
                        column: x => x.thread_id,
                        principalTable: "mailbox_threads",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "mailbox_notes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    thread_id = table.Column<Guid>(type: "uuid", nullable: false),
                    staff_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    body_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    wrapped_key = table.Column<byte[]>(type: "bytea", nullable: false),
                    key_version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mailbox_notes", x => x.id);
                    table.ForeignKey(
                        name: "FK_mailbox_notes_mailbox_threads_thread_id",
                        column: x => x.thread_id,
                        principalTable: "mailbox_threads",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "mailbox_attachments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    thread_id = table.Column<Guid>(type: "uuid", nullable: false),
                    content_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    file_name_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    content_cipher = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mailbox_attachments", x => x.id);
                    table.ForeignKey(
                        name: "FK_mailbox_attachments_mailbox_messages_message_id",
                        column: x => x.message_id,
                        principalTable: "mailbox_messages",
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

            migrationBuilder.CreateIndex(
                name: "IX_electronic_deliveries_kasse_id",
                table: "electronic_deliveries",
                column: "kasse_id");

            migrationBuilder.CreateIndex(
                name: "IX_mailbox_attachments_message_id",
                table: "mailbox_attachments",
                column: "message_id");

            migrationBuilder.CreateIndex(
                name: "IX_mailbox_attachments_thread_id",
                table: "mailbox_attachments",
                column: "thread_id");

            migrationBuilder.CreateIndex(
                name: "IX_mailbox_messages_key_version",
                table: "mailbox_messages",
                column: "key_version");

            migrationBuilder.CreateIndex(
                name: "IX_mailbox_messages_thread_id_sent_at",
                table: "mailbox_messages",
                columns: new[] { "thread_id", "sent_at" });

            migrationBuilder.CreateIndex(
                name: "IX_mailbox_notes_key_version",
                table: "mailbox_notes",
                column: "key_version");

            migrationBuilder.CreateIndex(
                name: "IX_mailbox_notes_thread_id_created_at",
                table: "mailbox_notes",
                columns: new[] { "thread_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_mailbox_notices_kasse_id",
                table: "mailbox_notices",
                column: "kasse_id");

            migrationBuilder.CreateIndex(
                name: "IX_mailbox_notices_person_id",
                table: "mailbox_notices",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "IX_mailbox_notices_sent_at_given_up_at_next_attempt_at",
                table: "mailbox_notices",
                columns: new[] { "sent_at", "given_up_at", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "IX_mailbox_templates_kasse_id_name",
                table: "mailbox_templates",
                columns: new[] { "kasse_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_mailbox_threads_kasse_id_assigned_staff_id_open_due_at",
                table: "mailbox_threads",
                columns: new[] { "kasse_id", "assigned_staff_id", "open", "due_at" });

            migrationBuilder.CreateIndex(
                name: "IX_mailbox_threads_kasse_id_topic_open_due_at_id",
                table: "mailbox_threads",
                columns: new[] { "kasse_id", "topic", "open", "due_at", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_mailbox_threads_kasse_id_topic_status_due_at_id",
                table: "mailbox_threads",
                columns: new[] { "kasse_id", "topic", "status", "due_at", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_mailbox_threads_key_version",
                table: "mailbox_threads",
                column: "key_version");

            migrationBuilder.CreateIndex(
                name: "IX_mailbox_threads_last_message_at",
                table: "mailbox_threads",
                column: "last_message_at");

            migrationBuilder.CreateIndex(
                name: "IX_mailbox_threads_person_id_archived_by_person_last_message_a~",
                table: "mailbox_threads",
                columns: new[] { "person_id", "archived_by_person", "last_message_at", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "contact_attachments");

            migrationBuilder.DropTable(
                name: "electronic_deliveries");

            migrationBuilder.DropTable(
                name: "mailbox_attachments");

            migrationBuilder.DropTable(
                name: "mailbox_notes");

            migrationBuilder.DropTable(
                name: "mailbox_notices");

            migrationBuilder.DropTable(
                name: "mailbox_templates");

            migrationBuilder.DropTable(
                name: "contact_requests");

            migrationBuilder.DropTable(
                name: "mailbox_messages");

            migrationBuilder.DropTable(
                name: "mailbox_threads");
        }
    }
}
