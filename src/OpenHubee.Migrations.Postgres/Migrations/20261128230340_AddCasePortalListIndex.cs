using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenHubee.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AddCasePortalListIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Cases_RecipientOrganizationId_AccessMode_TransmissionDateTi~",
                table: "Cases",
                columns: new[] { "RecipientOrganizationId", "AccessMode", "TransmissionDateTime", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Cases_RecipientOrganizationId_AccessMode_TransmissionDateTi~",
                table: "Cases");
        }
    }
}
