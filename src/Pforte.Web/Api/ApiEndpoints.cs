using Pforte.Web.Hosting;

namespace Pforte.Web.Api;

public static class ApiEndpoints
{
    /// <summary>Every API lives under /api/v1 and needs an API client (scopes per endpoint).</summary>
    public static WebApplication MapPforteApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var v1 = app.MapGroup("/api/v1").RequireAuthorization().CheckBodyLimits();
        v1.MapInsuredApi();
        v1.MapRepresentativesApi();
        v1.MapMachineAuthApi();
        v1.MapLettersApi();
        v1.MapDisclosureApi();
        v1.MapPrintServiceApi();
        v1.MapAuditApi();
        v1.MapContactRequestsApi();
        v1.MapMailboxApi();
        v1.MapIvrApi();
        return app;
    }
}
