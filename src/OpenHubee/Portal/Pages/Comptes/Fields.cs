namespace OpenHubee.Portal.Pages.Comptes;

/// <summary>What the personal-data fields show.</summary>
public sealed record IdentityFields(string? Civility, string? FirstName, string? LastName, string? Function, string? PhoneNumber, string? SecondaryPhoneNumber, bool Disabled);

/// <summary>What the habilitation checkboxes show.</summary>
public sealed record HabilitationFields(IReadOnlyList<(string Code, string Name)> Processes, IReadOnlyCollection<string> Selected, bool Disabled);
