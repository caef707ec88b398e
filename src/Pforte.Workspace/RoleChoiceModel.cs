namespace Pforte.Workspace;

/// <summary>What the partial <c>_RoleChoice</c> needs: the fieldset's id, the checked roles, the error.</summary>
public sealed record RoleChoiceModel(string Id, IReadOnlyCollection<string> Selected, string? Error);
