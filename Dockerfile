# syntax=docker/dockerfile:1
# ResNetService images. One file, three results:
#   docker build -t resnet-service .                                  the service on CPU (default)
#   docker build -t resnet-service:gpu --build-arg FLAVOR=gpu .       the service on GPU (CUDA 13, cuDNN 9)
#   docker build -t resnet-trainer --target trainer .                 the offline trainer (TorchSharp, CPU)
# Configuration is by environment variable, "__" between sections (Model__Path, Batching__MaxBatchSize, ...):
# see src/ResNetService.Api/appsettings.json and docs/deployment.md.
ARG FLAVOR=cpu
ARG DOTNET_VERSION=10.0
# ONNX Runtime 1.32.0's Linux GPU package is built for CUDA 13.x and cuDNN 9.x (its CUDA provider links libcudart.so.13
# and libcublasLt.so.13); any CUDA 13 minor release works. CUDA 13 needs an NVIDIA driver 580 or newer on the host.
ARG CUDA_IMAGE=nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04

# ---- build: restore and publish with the SDK ----------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION}-noble AS build
ARG FLAVOR
WORKDIR /src
# Restore from the project files alone first, so that this layer is reused while only code changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/ResNetService.Topology/ResNetService.Topology.csproj src/ResNetService.Topology/
COPY src/ResNetService.Onnx/ResNetService.Onnx.csproj src/ResNetService.Onnx/
COPY src/ResNetService.Inference/ResNetService.Inference.csproj src/ResNetService.Inference/
COPY src/ResNetService.Api/ResNetService.Api.csproj src/ResNetService.Api/
# FLAVOR=gpu references Microsoft.ML.OnnxRuntime.Gpu.Linux instead of the CPU package (the switch in Directory.Build.props).
RUN case "$FLAVOR" in cpu|gpu) ;; *) echo "FLAVOR must be cpu or gpu, not '$FLAVOR'" >&2; exit 1 ;; esac \
 && dotnet restore src/ResNetService.Api/ResNetService.Api.csproj -p:OnnxRuntimeGpu="$([ "$FLAVOR" = gpu ] && echo true || echo false)"
COPY src/ src/
RUN dotnet publish src/ResNetService.Api/ResNetService.Api.csproj -c Release -o /app --no-restore \
      -p:OnnxRuntimeGpu="$([ "$FLAVOR" = gpu ] && echo true || echo false)"

# The trainer restores here, from the full sources (its project imports build targets kept beside it).
FROM build AS build-trainer
RUN dotnet publish src/ResNetService.Trainer/ResNetService.Trainer.csproj -c Release -o /trainer

# ---- runtime bases: the ASP.NET Core runtime, with or without CUDA -------------------------------------------
# Microsoft's image already has the non-root user "app" (uid 1654) the service runs as.
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}-noble AS base-cpu

# NVIDIA's CUDA image has no .NET: take the runtime from Microsoft's image of the same Ubuntu release (24.04),
# add the libraries .NET needs that the CUDA image lacks, and the same "app" user.
FROM ${CUDA_IMAGE} AS base-gpu
COPY --from=base-cpu /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
 && apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3t64 tzdata zlib1g \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 1654 --user-group --create-home app
ENV DOTNET_RUNNING_IN_CONTAINER=true \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility

# ---- trainer --------------------------------------------------------------------------------------------------
# The same base as the service (the ASP.NET Core runtime holds the .NET runtime the trainer needs), so the two share layers;
# a font so that training curves and network plots carry text.
FROM base-cpu AS trainer
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /work && chown app:app /work
COPY --from=build-trainer /trainer /trainer
# Runs and data live in /work: mount a folder there (docker run -v "$PWD/runs:/work/runs" ...).
WORKDIR /work
USER app
ENTRYPOINT ["dotnet", "/trainer/resnet-trainer.dll"]
CMD ["--help"]

# ---- service (the last stage, so that a plain `docker build .` produces it) -----------------------------------
FROM base-${FLAVOR} AS service
WORKDIR /app
COPY --from=build /app ./
# The default model; mount a folder over /app/models, or set Model__Path, to serve another.
COPY models/ /app/models/
# REST on the port as Microsoft's images set it (ASPNETCORE_URLS, where given, takes precedence); gRPC on a port of its
# own, cleartext HTTP/2, as KServe's runtimes pair them (8080 and 8081).
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Grpc__Url=http://*:8081 \
    ASPNETCORE_ENVIRONMENT=Production \
    Model__Path=models/model.onnx \
    Logging__Json=true
EXPOSE 8080 8081
USER app
# Readiness, not liveness: healthy once the model is loaded and warmed up. The runtime images have no curl,
# so the service's own binary does the GET (see src/ResNetService.Api/Hosting/HealthProbe.cs).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["dotnet", "ResNetService.Api.dll", "--health-probe", "http://127.0.0.1:8080/health/ready"]
ENTRYPOINT ["dotnet", "ResNetService.Api.dll"]
