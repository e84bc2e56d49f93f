using OpenHubee.Api;
using OpenHubee.Auth;
using OpenHubee.Data;

namespace OpenHubee.Features.Exchange;

/// <summary>
/// The one authorisation function of the exchange: may this caller see, or change, this folder or case?
/// An operator sees the folders of its own processes; an instructing service only its own cases of
/// its subscription's process, once the hub has transmitted them; the national administrator everything. A case bound to the portal
/// cannot be changed through the API and vice versa (channel binding, decision 17).
/// </summary>
public static class HubAccess
{
    public static bool CanSeeFolder(ApiCaller caller, Guid processOslOrganizationId) =>
        caller.IsAdmin || (caller.IsOsl && processOslOrganizationId == caller.OrganizationId);

    public static bool CanSeeCase(ApiCaller caller, Case @case, Guid processOslOrganizationId) =>
        caller.IsAdmin
        || (caller.IsOsl && processOslOrganizationId == caller.OrganizationId)
        || (caller.IsSi && @case.RecipientOrganizationId == caller.OrganizationId && @case.ProcessCode == caller.ProcessCode
            && IsTransmitted(@case));

    /// <summary>
    /// A case reaches its SI when the hub notifies it (api.md §3.1 step 3): before completion the operator may
    /// still replace its files or delete the folder, so the SI must not read or download anything of it yet.
    /// </summary>
    public static bool IsTransmitted(Case @case) => @case.Status is not (CaseStatus.HubeeReceived or CaseStatus.HubeeCompleted);

    public static bool CanChangeCase(ApiCaller caller, Case @case, Guid processOslOrganizationId) =>
        CanSeeCase(caller, @case, processOslOrganizationId)
        && (!caller.IsSi || @case.AccessMode is null || @case.AccessMode == caller.Channel);

    public static void EnsureSeeFolder(ApiCaller caller, Guid processOslOrganizationId)
    {
        if (!CanSeeFolder(caller, processOslOrganizationId))
        {
            throw new ApiException(403, ApiMessages.UnauthorizedUser);
        }
    }

    public static void EnsureSeeCase(ApiCaller caller, Case @case, Guid processOslOrganizationId)
    {
        if (!CanSeeCase(caller, @case, processOslOrganizationId))
        {
            throw new ApiException(403, ApiMessages.UnauthorizedUser);
        }
    }

    public static void EnsureChangeCase(ApiCaller caller, Case @case, Guid processOslOrganizationId)
    {
        if (!CanChangeCase(caller, @case, processOslOrganizationId))
        {
            throw new ApiException(403, ApiMessages.UnauthorizedUser);
        }
    }

    /// <summary>The side of the exchange a caller speaks for: SI callers for the recipient, the others for the operator.</summary>
    public static bool SpeaksForOperator(string scope) => scope != Scopes.Si;
}
