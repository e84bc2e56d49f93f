using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenHubee.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AddCaseApplicantAndPortalListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Cases_RecipientOrganizationId_AccessMode_TransmissionDateTi~",
                table: "Cases");

            migrationBuilder.AddColumn<string>(
                name: "ApplicantFirstName",
                table: "Cases",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ApplicantLastName",
                table: "Cases",
                type: "text",
                nullable: false,
                defaultValue: "");

            // Existing cases get their folder's applicant names (which never change after creation).
            migrationBuilder.Sql("""
                UPDATE "Cases" SET "ApplicantFirstName" = f."ApplicantFirstName", "ApplicantLastName" = f."ApplicantLastName"
                FROM "Folders" AS f WHERE f."Id" = "Cases"."FolderId";
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Cases_PortalList_Count",
                table: "Cases",
                columns: new[] { "RecipientOrganizationId", "AccessMode", "ProcessCode", "Status", "TransmissionDateTime" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_PortalList_Transmission",
                table: "Cases",
                columns: new[] { "RecipientOrganizationId", "AccessMode", "TransmissionDateTime", "Id", "ProcessCode", "Status", "ExternalId", "ApplicantLastName", "ApplicantFirstName" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_PortalList_Update",
                table: "Cases",
                columns: new[] { "RecipientOrganizationId", "AccessMode", "UpdateDateTime", "Id", "ProcessCode", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Cases_PortalList_Count",
                table: "Cases");

            migrationBuilder.DropIndex(
                name: "IX_Cases_PortalList_Transmission",
                table: "Cases");

            migrationBuilder.DropIndex(
                name: "IX_Cases_PortalList_Update",
                table: "Cases");

            migrationBuilder.DropColumn(
                name: "ApplicantFirstName",
                table: "Cases");

            migrationBuilder.DropColumn(
                name: "ApplicantLastName",
                table: "Cases");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_RecipientOrganizationId_AccessMode_TransmissionDateTi~",
                table: "Cases",
                columns: new[] { "RecipientOrganizationId", "AccessMode", "TransmissionDateTime", "Id" });
        }
    }
}
