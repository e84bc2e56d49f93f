using OpenHubee.Data;

namespace OpenHubee.Portal;

/// <summary>Case statuses as the portal names them (portal.md §C 4.8).</summary>
public static class CaseLabels
{
    public static string Of(string status) => status switch
    {
        CaseStatus.HubeeNotified or CaseStatus.Sent => "Nouveau",
        CaseStatus.SiReceived => "Reçu",
        CaseStatus.InProgress => "En cours",
        CaseStatus.AddAwaiting => "En attente de compléments",
        CaseStatus.Refused => "Refusé",
        CaseStatus.Done => "Traité",
        CaseStatus.Closed => "Clos",
        CaseStatus.SiIntgError => "Erreur d'intégration",
        CaseStatus.Archived => "Archivé",
        _ => status,
    };
}
