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

    /// <summary>DSFR badge colour of a case status.</summary>
    public static string Badge(string status) => status switch
    {
        CaseStatus.HubeeNotified or CaseStatus.Sent => "fr-badge--new",
        CaseStatus.SiReceived or CaseStatus.InProgress => "fr-badge--info",
        CaseStatus.AddAwaiting => "fr-badge--warning",
        CaseStatus.Refused or CaseStatus.SiIntgError => "fr-badge--error",
        CaseStatus.Done => "fr-badge--success",
        _ => "",
    };

    /// <summary>What the history says an event did.</summary>
    public static string Action(Event e) => e.ActionType switch
    {
        ActionType.StatusUpdate when e.CaseNewStatus == CaseStatus.Sent => "Réception du télédossier dans le portail",
        ActionType.StatusUpdate => $"Changement de statut : « {Of(e.CaseCurrentStatus ?? "")} » → « {Of(e.CaseNewStatus ?? "")} »",
        ActionType.AttachDl => "Téléchargement d'une pièce jointe",
        ActionType.AttachDlAll => "Téléchargement de toutes les pièces jointes",
        ActionType.ComAdd => "Commentaire interne",
        ActionType.SendingMessage => "Message à la personne concernée",
        ActionType.AttachDeposit => e.Status == EventStatus.InProgress ? "Pièce jointe en attente d'envoi" : "Dépôt de pièce jointe",
        _ => e.ActionType,
    };
}
