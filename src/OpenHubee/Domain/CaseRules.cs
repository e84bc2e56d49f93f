using OpenHubee.Api;
using OpenHubee.Data;

namespace OpenHubee.Domain;

/// <summary>
/// Who may set which case status (api.md §3.1, decision 4): the value must be a case status;
/// HUBEE_RECEIVED and ARCHIVED are the hub's; CLOSED, HUBEE_NOTIFIED (reopen) and HUBEE_COMPLETED
/// (complement received, decision 5) belong to the operator; ADD_AWAITING needs the process's consent;
/// a closed case only moves again when its operator reopens it; an archived one never.
/// </summary>
public static class CaseRules
{
    public static readonly IReadOnlySet<string> CaseStatuses = new HashSet<string>(StringComparer.Ordinal)
    {
        CaseStatus.HubeeNotified, CaseStatus.HubeeCompleted, CaseStatus.Sent, CaseStatus.SiReceived, CaseStatus.SiIntgError,
        CaseStatus.InProgress, CaseStatus.AddAwaiting, CaseStatus.Refused, CaseStatus.Done, CaseStatus.Closed,
    };

    public static readonly IReadOnlySet<string> FolderStatuses = new HashSet<string>(StringComparer.Ordinal)
    {
        CaseStatus.HubeeReceived, CaseStatus.HubeeCompleted, CaseStatus.HubeeNotified, CaseStatus.Sent, CaseStatus.SiReceived,
        CaseStatus.InProgress, CaseStatus.AddAwaiting, CaseStatus.Refused, CaseStatus.Done, CaseStatus.Closed,
    };

    private static readonly HashSet<string> OperatorOnly = [CaseStatus.Closed, CaseStatus.HubeeNotified, CaseStatus.HubeeCompleted];

    /// <summary>Why a change is refused, or null when <paramref name="scope"/> may move the case from <paramref name="current"/> to <paramref name="next"/>.</summary>
    public static string? RefusalOf(string scope, string current, string next, Process process)
    {
        if (!CaseStatuses.Contains(next))
        {
            return "not a case status";
        }

        if (current is CaseStatus.Archived or CaseStatus.HubeeReceived)
        {
            return "the case cannot change in its current status";
        }

        var isOperator = scope is Scopes.Osl or Scopes.Admin;
        if (OperatorOnly.Contains(next) && !isOperator)
        {
            return "only the operator sets this status";
        }

        if (current == CaseStatus.Closed && !isOperator)
        {
            return "the case is closed";
        }

        if (next == CaseStatus.AddAwaiting && !process.AuthorizedAwaiting)
        {
            return "the process does not allow ADD_AWAITING";
        }

        return null;
    }

    /// <summary>HUBEE_COMPLETED on a case means "complement received": the hub re-notifies it (decision 5).</summary>
    public static string Effective(string requested) => requested == CaseStatus.HubeeCompleted ? CaseStatus.HubeeNotified : requested;

    public static void EnsureAllowed(string scope, string current, string next, Process process)
    {
        if (RefusalOf(scope, current, next, process) is not null)
        {
            throw new ApiException(400, ApiMessages.BadRequest);
        }
    }
}
