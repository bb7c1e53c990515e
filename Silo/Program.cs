using Gearbox.Silo;

// ./gearbox serve runs this: a silo and the HTTP/gRPC API in one process, on http://127.0.0.1:8080 by default.
// With Gearbox:Cluster:Redis set it is one member of a multi-silo cluster, still serving HTTP (--port, --urls),
// so each silo's /metrics can be scraped. Gearbox.Gateway.dll is the API alone, as an Orleans client.
SiloApp.Create(args).Run();
