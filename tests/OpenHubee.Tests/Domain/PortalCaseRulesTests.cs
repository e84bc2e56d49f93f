using OpenHubee.Data;
using OpenHubee.Domain;

namespace OpenHubee.Tests.Domain;

/// <summary>The portal's next-status table (portal.md §C 4.8): no going back, DONE after IN_PROGRESS, ADD_AWAITING only where allowed.</summary>
public sealed class PortalCaseRulesTests
{
    private static Process Process(bool awaiting) => new() { Code = "P", Name = "P", AuthorizedAwaiting = awaiting };

    [Theory]
    [InlineData(CaseStatus.Sent, false, "SI_RECEIVED,IN_PROGRESS,REFUSED")]
    [InlineData(CaseStatus.HubeeNotified, false, "SI_RECEIVED,IN_PROGRESS,REFUSED")]
    [InlineData(CaseStatus.SiReceived, false, "IN_PROGRESS,REFUSED")]
    [InlineData(CaseStatus.InProgress, false, "REFUSED,DONE")]
    [InlineData(CaseStatus.InProgress, true, "ADD_AWAITING,REFUSED,DONE")]
    [InlineData(CaseStatus.AddAwaiting, true, "DONE")]
    [InlineData(CaseStatus.Refused, true, "")]
    [InlineData(CaseStatus.Done, true, "")]
    [InlineData(CaseStatus.Closed, true, "")]
    [InlineData(CaseStatus.Archived, true, "")]
    [InlineData(CaseStatus.SiIntgError, true, "")]
    public void Next_statuses_follow_the_portal_rules(string current, bool awaiting, string expected) =>
        string.Join(",", PortalCaseRules.NextStatuses(current, Process(awaiting))).ShouldBe(expected);

    [Fact]
    public void Every_portal_step_is_allowed_to_an_SI_by_the_exchange_rules()
    {
        foreach (var awaiting in new[] { true, false })
        {
            var process = Process(awaiting);
            foreach (var current in CaseRules.CaseStatuses.Append(CaseStatus.Archived))
            {
                foreach (var next in PortalCaseRules.NextStatuses(current, process))
                {
                    CaseRules.RefusalOf(Scopes.Si, current, next, process).ShouldBeNull($"{current} → {next}");
                }
            }
        }
    }

    [Fact]
    public void Downloads_start_processing_from_new_or_received_and_stop_at_closed()
    {
        PortalCaseRules.DownloadStartsProcessing(CaseStatus.Sent).ShouldBeTrue();
        PortalCaseRules.DownloadStartsProcessing(CaseStatus.SiReceived).ShouldBeTrue();
        PortalCaseRules.DownloadStartsProcessing(CaseStatus.InProgress).ShouldBeFalse();
        PortalCaseRules.DownloadsClosed(CaseStatus.Closed).ShouldBeTrue();
        PortalCaseRules.DownloadsClosed(CaseStatus.Refused).ShouldBeFalse();
    }
}
