using Pforte.Core;
using Pforte.Web.Api;
using Pforte.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddPforteCore(builder.Configuration);
builder.Services.AddPforteApiSecurity();
builder.Services.AddPforteProblemDetails();

var app = builder.Build();

await app.PrepareDatabaseAsync();

app.UsePforteProblemDetails();
app.UseAuthentication();
app.UseAuthorization();

app.MapPforteApi();

await app.RunAsync();

/// <summary>Entry point, public for WebApplicationFactory in the tests.</summary>
public partial class Program;
