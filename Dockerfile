# One image for both roles: PROJECT=Silo (a cluster member, also serving the API and /metrics) or
# PROJECT=Gateway (HTTP/gRPC front as an Orleans client; no libtorch in its image).
# Trained models and profiles are mounted at /data (./gearbox setup makes them).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG PROJECT=Gateway
WORKDIR /src
COPY . .
RUN dotnet publish ${PROJECT}/Gearbox.${PROJECT}.csproj -c Release -r linux-x64 --self-contained false -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG PROJECT=Gateway
ENV GEARBOX_DATA=/data \
    DOTNET_gcServer=1 \
    GEARBOX_ENTRY=Gearbox.${PROJECT}.dll
WORKDIR /app
COPY --from=build /app .
ENTRYPOINT ["sh", "-c", "exec dotnet \"$GEARBOX_ENTRY\" \"$@\"", "--"]
