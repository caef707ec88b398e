using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pforte.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class KasseBranding : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "brand_color",
                table: "kassen",
                type: "character varying(7)",
                maxLength: 7,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "logo_png",
                table: "kassen",
                type: "bytea",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "brand_color",
                table: "kassen");

            migrationBuilder.DropColumn(
                name: "logo_png",
                table: "kassen");
        }
    }
}
