using QiTech.Os.Daemon;

return await DaemonCommandLine.RunAsync(args);
