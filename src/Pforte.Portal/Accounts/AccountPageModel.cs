using Pforte.Core.Common;

namespace Pforte.Portal.Accounts;

/// <summary>What the account pages share: the form errors (<see cref="FormPageModel"/>), the portal's codes.</summary>
public abstract class AccountPageModel : FormPageModel
{

    /// <summary>The field a refusal of the machine procedure's input belongs to.</summary>
    protected static string? FieldOf(Error error, string kvnrField, string cardField, string codeField)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code switch
        {
            _ when error.Code.StartsWith("PF-KVNR-", StringComparison.Ordinal) => kvnrField,
            ErrorCodes.MachineAuthCardFormat => cardField,
            _ when error.Code.StartsWith("PF-CARD-", StringComparison.Ordinal) => cardField,
            ErrorCodes.MachineAuthCodeFormat or ErrorCodes.AccountActivationCodeFormat => codeField,
            _ => null,
        };
    }
}
