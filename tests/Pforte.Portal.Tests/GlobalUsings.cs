// The host, the browser and the page checks are shared with the workspace's tests (tests/Pforte.Testing.Web).
global using Chromium = Pforte.Testing.Web.Chromium;
global using PageChecks = Pforte.Testing.Web.PageChecks;
global using PortalHost = Pforte.Testing.Web.PforteHost;

[assembly: AssemblyFixture(typeof(Pforte.Testing.Web.Chromium))]
