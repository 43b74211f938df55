# syntax=docker/dockerfile:1
#
# lapor: the complaint bot as one static binary on an empty (scratch) image.
#
# Build and run:
#   docker build -t lapor --build-arg VERSION="$(git describe --always --dirty)" .
#   docker compose up --build            # with PostgreSQL, see docker-compose.yml
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
# No HEALTHCHECK: the runtime image has no shell, curl or wget to run one. The
# service answers GET /healthz on port 8080 for an orchestrator or reverse
# proxy to probe; docker-compose.yml starts it once PostgreSQL's own
# healthcheck (pg_isready) passes.

ARG GO_IMAGE=golang:1.26-bookworm
ARG RUNTIME_IMAGE=scratch

FROM ${GO_IMAGE} AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-mod=readonly
# Dependencies first, so a source change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /rootfs/lapor ./cmd/lapor
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
COPY --from=build /rootfs/ /
ENV ZONEINFO=/zoneinfo.zip \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    LAPOR_HTTP_ADDR=0.0.0.0:8080
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/lapor"]
CMD ["serve"]
