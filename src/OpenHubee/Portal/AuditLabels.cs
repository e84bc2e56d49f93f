namespace OpenHubee.Portal;

/// <summary>The audit log's action codes in the words of the « Journal d'audit ».</summary>
public static class AuditLabels
{
    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["LOGIN_SUCCEEDED"] = "Connexion réussie",
        ["LOGIN_FAILED"] = "Échec de connexion",
        ["ACCOUNT_LOCKED"] = "Compte verrouillé après des échecs de connexion",
        ["ACCOUNT_CREATED"] = "Compte créé",
        ["ACCOUNT_UPDATED"] = "Informations personnelles modifiées",
        ["ACCOUNT_ACTOR_TYPE_CHANGED"] = "Type d'acteur modifié",
        ["ACCOUNT_ROLES_CHANGED"] = "Rôles modifiés",
        ["ACCOUNT_HABILITATIONS_CHANGED"] = "Habilitations modifiées",
        ["ACCOUNT_DEACTIVATED"] = "Compte désactivé",
        ["ACCOUNT_REACTIVATED"] = "Compte réactivé",
        ["PASSWORD_CREATED"] = "Mot de passe créé",
        ["PASSWORD_RESET"] = "Mot de passe réinitialisé",
        ["PASSWORD_RESET_REQUESTED"] = "Réinitialisation du mot de passe demandée",
        ["API_CLIENT_CREATED"] = "Identifiants d'API créés",
        ["API_CLIENT_DELETED"] = "Identifiants d'API supprimés",
        ["API_SECRET_REGENERATED"] = "Clé secrète régénérée",
        ["API_SECRET_RETRIEVED"] = "Identifiants d'API copiés",
        ["ORGANIZATION_CREATED"] = "Organisation créée",
        ["ORGANIZATION_UPDATED"] = "Organisation modifiée",
        ["PROCESS_CREATED"] = "Démarche créée",
        ["PROCESS_UPDATED"] = "Démarche modifiée",
        ["PROCESS_DEACTIVATED"] = "Démarche désactivée",
        ["SUBSCRIPTION_CREATED"] = "Abonnement créé",
        ["SUBSCRIPTION_ACCESS_MODE_CHANGED"] = "Modalité d'accès modifiée",
        ["SUBSCRIPTION_ACTIVATION_SET"] = "Date d'activation définie",
        ["SUBSCRIPTION_SUSPENDED"] = "Abonnement suspendu",
        ["SUBSCRIPTION_REACTIVATED"] = "Abonnement réactivé",
        ["SUBSCRIPTION_REFUSED"] = "Abonnement refusé",
        ["SUBSCRIPTION_END_DATE_SET"] = "Date de fin d'abonnement définie",
        ["SUBSCRIPTION_NOTIFICATIONS_CHANGED"] = "Notifications modifiées",
        ["SUBSCRIPTION_EDITOR_CHANGED"] = "Éditeur modifié",
        ["SUBSCRIPTION_DELEGATION_CHANGED"] = "Délégation technique modifiée",
        ["SUBSCRIPTION_LOCAL_ADMINISTRATOR_CHANGED"] = "Administrateur local responsable modifié",
    };

    /// <summary>The French label; an unknown code is shown readable rather than hidden.</summary>
    public static string Of(string action) =>
        Labels.TryGetValue(action, out var label) ? label : char.ToUpperInvariant(action.Replace('_', ' ')[0]) + action.Replace('_', ' ')[1..].ToLowerInvariant();
}
