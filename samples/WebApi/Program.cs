// WebApi: a minimal ASP.NET Core app for the layered image. GET / serves wwwroot/index.html,
// GET /hello answers with a greeting from the Greetings project.
using Greetings;

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

app.UseDefaultFiles();
app.UseStaticFiles();
app.MapGet("/hello", (IConfiguration config) => Greeter.Greet(config["GREETING_NAME"] ?? "world"));

app.Run();
