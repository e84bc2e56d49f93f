using OpenHubee.Data;

namespace OpenHubee.Domain;

/// <summary>
/// The statuses an agent may choose in the portal from a case's current one (portal.md §C 4.8, api.md §3.1 [WF]
/// table narrowed by the portal rules): no going back; DONE only after IN_PROGRESS (the portal forces the
/// download first); from « En attente de compléments » only « Traité »; REFUSED, DONE and CLOSED are final for the SI.
/// Every step is also allowed by <see cref="CaseRules"/> for the SI scope, which the exchange checks again.
/// </summary>
public static class PortalCaseRules
{
    public static IReadOnlyList<string> NextStatuses(string current, Process process)
    {
        IReadOnlyList<string> next = current switch
        {
            CaseStatus.HubeeNotified or CaseStatus.Sent => [CaseStatus.SiReceived, CaseStatus.InProgress, CaseStatus.Refused],
            CaseStatus.SiReceived => [CaseStatus.InProgress, CaseStatus.Refused],
            CaseStatus.InProgress => process.AuthorizedAwaiting
                ? [CaseStatus.AddAwaiting, CaseStatus.Refused, CaseStatus.Done]
                : [CaseStatus.Refused, CaseStatus.Done],
            CaseStatus.AddAwaiting => [CaseStatus.Done],
            _ => [],
        };
        return next;
    }

    public static bool Allows(string current, string next, Process process) => NextStatuses(current, process).Contains(next);

    /// <summary>Downloading everything moves a Nouveau or Reçu case to En cours.</summary>
    public static bool DownloadStartsProcessing(string current) => current is CaseStatus.HubeeNotified or CaseStatus.Sent or CaseStatus.SiReceived;

    /// <summary>Binaries can no longer be downloaded once the case is closed (decision 31).</summary>
    public static bool DownloadsClosed(string current) => current is CaseStatus.Closed or CaseStatus.Archived;

    /// <summary>The bulk buttons of the list, in the order the portal shows them.</summary>
    public static readonly IReadOnlyList<(string Status, string Label)> BulkActions =
    [
        (CaseStatus.SiReceived, "Accuser réception"),
        (CaseStatus.InProgress, "Commencer le traitement"),
        (CaseStatus.Refused, "Refuser"),
        (CaseStatus.AddAwaiting, "Demander des compléments"),
        (CaseStatus.Done, "Finaliser le traitement"),
    ];
}
