using EdgeLam.Gateway.Cli;

return EdgeLamCli.Run(args);
