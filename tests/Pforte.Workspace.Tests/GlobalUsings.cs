global using Pforte.Testing.Web;

[assembly: AssemblyFixture(typeof(Pforte.Testing.Web.Chromium))]
