using Pforte.Core;
using Pforte.Letters.Pdf;
using Pforte.Web.Api;
using Pforte.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UsePforteRejectedRequests();

builder.Services.AddPforteCore(builder.Configuration);
builder.Services.AddPdfLetters();
builder.Services.AddPforteApiSecurity();
builder.Services.AddPforteProblemDetails();
builder.Services.AddPforteStrictJson();
builder.Services.AddPforteOpenApi();
builder.Services.AddPforteOperations();
builder.Services.AddHostedService<BackgroundJobs>();
builder.Services.AddHostedService<ApiClientChangeListener>();

var app = builder.Build();

if (await app.PrepareDatabaseAsync() is { } refused)
{
    // A database the host must not work on: its code and sentence, no stack trace (README, docs/errors.md).
    await Console.Error.WriteLineAsync($"{refused.Code}: {refused.Message}");
    return 1;
}

app.UsePforteSecurityHeaders();
app.UsePforteCorrelationId();
app.UsePforteProblemDetails();
app.UsePforteRequestPathCheck();
app.UseAuthentication();
app.UseAuthorization();

app.MapPforteOperations();
app.MapPforteApiReference();
app.MapPforteApi();

await app.RunAsync();
return 0;

/// <summary>Entry point, public for WebApplicationFactory in the tests.</summary>
public partial class Program;
