# syntax=docker/dockerfile:1
#
# lapor: the complaint bot as one static binary on an empty (scratch) image.
#
# Build and run:
#   docker build -t lapor --build-arg VERSION="$(git describe --always --dirty)" .
#   docker compose up --build            # with PostgreSQL: docker-compose.yml, docs/DEPLOY.md
#
# With base images from a local mirror (offline or rate-limited hosts), pass
# both base images as build args:
#   docker build -t lapor \
#     --build-arg GO_IMAGE=registry.example.local/golang:1.26-bookworm \
#     --build-arg RUNTIME_IMAGE=registry.example.local/distroless/static-debian12:nonroot \
#     --build-arg VERSION=1.2.3 .
# GO_IMAGE must be an official-style Go image on Debian (it supplies
# /etc/ssl/certs/ca-certificates.crt). RUNTIME_IMAGE is scratch by default; any
# image that can run a static binary works, because everything the binary needs
# (CA certificates, zoneinfo, /tmp, a passwd entry for uid 65532) is copied in.
#
# Without WhatsApp (a smaller binary, no whatsmeow): --build-arg TAGS=nowhatsapp
#
# Where no module proxy is reachable, vendor the modules first (`go mod
# vendor` on a machine that has them) and build with
#   --build-arg GOFLAGS=-mod=vendor
# or point the build at a mirror with --build-arg GOPROXY=https://proxy.example.local
#
# HEALTHCHECK runs `lapor healthcheck`, the binary itself (the runtime image
# has no shell, curl or wget): it asks GET /readyz on the admin listener
# (LAPOR_ADMIN_ADDR, 127.0.0.1:9090 inside the container: the database
# answers; a channel that is down does not count) and exits 0 or 1. To let
# Prometheus scrape /metrics, set LAPOR_ADMIN_ADDR=0.0.0.0:9090 and publish
# port 9090 to the monitoring network only, never to the public.
# docker-compose.yml starts lapor once PostgreSQL's own healthcheck
# (pg_isready) passes.

ARG GO_IMAGE=golang:1.26-bookworm
ARG RUNTIME_IMAGE=scratch

FROM ${GO_IMAGE} AS build
WORKDIR /src
ARG GOFLAGS=-mod=readonly
ARG GOPROXY
ENV CGO_ENABLED=0 GOFLAGS=${GOFLAGS} GOPROXY=${GOPROXY}
# Dependencies first, so a source change does not download them again
# (nothing to download when they are vendored).
COPY go.mod go.sum ./
RUN case "$GOFLAGS" in *-mod=vendor*) ;; *) go mod download ;; esac
COPY . .
ARG VERSION=dev
ARG TAGS=
RUN go build -trimpath -tags "${TAGS}" -ldflags="-s -w -X main.version=${VERSION}" -o /rootfs/lapor ./cmd/lapor
# The runtime root filesystem. The binary embeds tzdata already; zoneinfo.zip
# (pointed at by ZONEINFO below) is there for anything that asks the system.
# /tmp is for uploads being processed. The passwd/group files match
# distroless's, so they are harmless when RUNTIME_IMAGE is distroless.
RUN mkdir -p /rootfs/etc/ssl/certs /rootfs/tmp \
 && chmod 1777 /rootfs/tmp \
 && cp /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ \
 && cp "$(go env GOROOT)/lib/time/zoneinfo.zip" /rootfs/zoneinfo.zip \
 && printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' \
      'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
      'nonroot:x:65532:65532:nonroot:/tmp:/sbin/nologin' > /rootfs/etc/passwd \
 && printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'nonroot:x:65532:' > /rootfs/etc/group

FROM ${RUNTIME_IMAGE}
ARG VERSION=dev
LABEL org.opencontainers.image.title="lapor" \
      org.opencontainers.image.description="LAPOR! SP4N public-service complaints over WhatsApp, Telegram and a web chat" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/lapor-id/lapor"
COPY --from=build /rootfs/ /
ENV ZONEINFO=/zoneinfo.zip \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    LAPOR_HTTP_ADDR=0.0.0.0:8080
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["/lapor", "healthcheck"]
ENTRYPOINT ["/lapor"]
CMD ["serve"]
