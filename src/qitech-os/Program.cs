using QiTech.Os.Cli;

return await CliApp.RunAsync(args);
