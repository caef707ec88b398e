namespace Pforte.Portal.Accounts;

/// <summary>What the shared partial <c>_PasskeyForm</c> needs: where the answer goes, where the options come from.</summary>
public sealed record PasskeyFormModel(string Id, string Mode, string Action, string OptionsUrl, string Label)
{
    public bool Primary { get; init; }
    public string? ReturnUrl { get; init; }
}
