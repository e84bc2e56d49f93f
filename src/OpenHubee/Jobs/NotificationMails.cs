using System.Globalization;
using System.Text;
using OpenHubee.Data;
using OpenHubee.Mail;

namespace OpenHubee.Jobs;

/// <summary>
/// The French texts of the job mails. None carries personal data of the citizen: only télédossier numbers
/// (portal.md §C 4.6), démarche names and links to the portal.
/// </summary>
public static class NotificationMails
{
    private const string Footer = "\nCeci est un message automatique, merci de ne pas y répondre.\n";

    public static MailOutboxEntry Unitaire(MailOptions options, string to, string processName, string caseNumber, bool newCase, Guid? notificationId, DateTimeOffset now) =>
        Entry("UNITAIRE", to, null, notificationId, now,
            newCase ? $"HubEE – Nouveau télédossier n° {caseNumber}" : $"HubEE – Télédossier n° {caseNumber} modifié",
            $"""
            Bonjour,

            {(newCase ? "Un nouveau télédossier vous a été transmis" : "Le télédossier suivant a été modifié")} sur HubEE.

            Démarche : {processName}
            Numéro du télédossier : {caseNumber}

            Consultez-le sur le portail : {options.Link("teledossiers")}
            {Footer}
            """);

    public static MailOutboxEntry Digest(MailOptions options, string to, string processName, int count, string frequency, DateTimeOffset now) =>
        Entry("DIGEST", to, null, null, now,
            "HubEE – Des télédossiers vous ont été transmis",
            $"""
            Bonjour,

            Des télédossiers ont été transmis depuis le précédent message ({(frequency == NotificationFrequency.Biquotidienne ? "notification biquotidienne" : "notification quotidienne")}) :

            - {processName} : {count} télédossier{(count > 1 ? "s" : "")}

            Consultez-les sur le portail : {options.Link("teledossiers")}
            {Footer}
            """);

    public static MailOutboxEntry Uncollected(MailOptions options, string to, string processName, IReadOnlyList<string> caseNumbers, int days, DateTimeOffset now)
    {
        var list = new StringBuilder();
        foreach (var number in caseNumbers)
        {
            list.Append("- ").AppendLine(number);
        }

        return Entry("UNCOLLECTED", to, null, null, now,
            $"HubEE – Télédossiers non récupérés ({processName})",
            $"""
            Bonjour,

            Les télédossiers suivants de la démarche « {processName} » vous ont été transmis il y a plus de {days.ToString(CultureInfo.InvariantCulture)} jours et n'ont pas encore été récupérés :

            {list}
            Vérifiez que votre logiciel ou vos agents les traitent : {options.Link("teledossiers")}
            {Footer}
            """);
    }

    public static MailOutboxEntry Inactivity(MailOptions options, PortalUser user, int days, int deactivationDays, DateTimeOffset now) =>
        Entry("INACTIVITY", user.Email!, $"{user.FirstName} {user.LastName}".Trim(), null, now,
            $"HubEE – Votre compte est inactif depuis {days.ToString(CultureInfo.InvariantCulture)} jours",
            $"""
            Bonjour {user.FirstName} {user.LastName},

            Vous ne vous êtes pas connecté(e) au portail HubEE depuis {days.ToString(CultureInfo.InvariantCulture)} jours.
            Sans connexion, votre compte sera désactivé au bout de {deactivationDays.ToString(CultureInfo.InvariantCulture)} jours d'inactivité ;
            seul un administrateur local pourra alors le réactiver.

            Connectez-vous : {options.Link("connexion")}
            {Footer}
            """);

    private static MailOutboxEntry Entry(string kind, string to, string? toName, Guid? notificationId, DateTimeOffset now, string subject, string body) => new()
    {
        Id = Guid.NewGuid(),
        Kind = kind,
        To = to,
        ToName = toName,
        Subject = subject,
        TextBody = body,
        NotificationId = notificationId,
        CreateDateTime = now,
        NextAttemptDateTime = now,
    };
}
