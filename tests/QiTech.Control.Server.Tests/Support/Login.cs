namespace QiTech.Control.Server.Tests.Support;

public static class Login
{
    /// <summary>Fills in the login form as a browser would; the session cookie stays with the client.</summary>
    public static async Task<HttpResponseMessage> LogInAsync(this HttpClient client, string password)
    {
        var form = await client.GetStringAsync("/login");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        return await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = System.Net.WebUtility.HtmlDecode(token),
            ["password"] = password,
            ["returnUrl"] = "/",
        }));
    }
}
