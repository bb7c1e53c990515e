using Gearbox.Gateway;

// ./gearbox serve runs this: an embedded silo and the HTTP gateway on http://127.0.0.1:8080.
GatewayApp.Create(args).Run();
