using Gearbox.Gateway;

// Client mode: the HTTP/gRPC API alone, joining the Redis-clustered silos (Gearbox:Cluster:Redis) as an Orleans client.
// ./gearbox serve runs Gearbox.Silo.dll instead: a silo and this API in one process.
GatewayApp.Create(args).Run();
