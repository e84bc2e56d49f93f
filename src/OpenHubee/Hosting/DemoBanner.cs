namespace OpenHubee.Hosting;

public static class DemoBanner
{
    /// <summary>Prints the demo API clients at start so that a newcomer can try the README walk-through.</summary>
    public static void Print(WebApplication app)
    {
        var options = app.Services.GetRequiredService<HubOptions>();
        if (!options.DemoData || !app.Configuration.GetValue("OpenHubee:DemoBanner", true))
        {
            return;
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            Console.WriteLine();
            Console.WriteLine("OpenHubEE demo data is loaded. Data folder: " + options.DataDirectory);
            Console.WriteLine("Demo API clients (client id / secret / scope):");
            foreach (var c in DemoData.Clients)
            {
                Console.WriteLine($"  {c.ClientId,-26} {c.Secret,-32} {c.Scope}{(c.Process is null ? "" : " · " + c.Process)}");
            }

            Console.WriteLine("Demo portal accounts (COMMUNE DE LIMOGES; login codes are mailed as .eml files to " + options.MailDirectory + "):");
            foreach (var a in DemoData.PortalAccounts)
            {
                Console.WriteLine($"  {a.Email,-32} {a.Password,-22} {a.ActorType}{(a.Habilitations.Length == 0 ? "" : " · " + string.Join(", ", a.Habilitations))}");
            }

            Console.WriteLine("Token URL: /oauth2/token   API base URL: /teledossiers/v1   API reference: /docs/api");
            Console.WriteLine();
        });
    }
}
