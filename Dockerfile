# syntax=docker/dockerfile:1

# Build stage: one static binary. SQLite is pure Go (modernc.org/sqlite), so no cgo is needed.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/starboard ./cmd/starboard \
 && mkdir -p /out/data

# Run stage: distroless "static" holds CA certificates (for sslmode=require), time zone data and a
# non-root user (65532), and nothing else: no shell, no package manager, no curl.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/starboard /usr/local/bin/starboard
# The SQLite file lives on a volume; the folder is created owned by the non-root user so a new
# named volume starts out writable by it.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV PORT=8080 \
    DATABASE_URL=sqlite:/data/starboard.db \
    LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
# serve drains requests for up to 25 s after SIGTERM: give it 30 (docker stop -t 30,
# stop_grace_period: 30s in Compose).
STOPSIGNAL SIGTERM
# No curl in this image: the binary checks itself (GET http://127.0.0.1:$PORT/healthz).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/starboard", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/starboard"]
CMD ["serve"]
