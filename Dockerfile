# The one raasel binary with its web front end built in, on a small Debian base.
#
#   docker build -t raasel .            (or: podman build --format docker -t raasel .)
#   docker run -d -p 8080:8080 -v raasel-data:/data raasel
#
# Stages: `runtime` (the base of the image: user, data volume, health check), `web` (the front
# end, Node 20), `build` (the binary, Rust; build.rs finds web/dist up to date and skips npm),
# and the final image: `runtime` plus the binary. docs/operations.md ("Container") has the
# details; scripts/container-image builds this file on a machine without a registry (the three
# base images replaced by local ones from Debian's packages), and scripts/container-test builds
# the `runtime` stage around an already compiled binary, runs it and chats through it.

ARG BASE=debian:bookworm-slim
ARG NODE_IMAGE=node:20-bookworm-slim
ARG RUST_IMAGE=rust:1-bookworm

FROM ${BASE} AS runtime
RUN useradd --system --user-group --home-dir /data --no-create-home --shell /usr/sbin/nologin raasel \
    && mkdir -p /data && chown raasel:raasel /data && chmod 0700 /data
USER raasel
WORKDIR /data
ENV RAASEL_LISTEN=0.0.0.0:8080 RAASEL_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
# /ready: 200 when the store accepts a write, 503 when it does not or while draining. No curl in
# the image: bash's /dev/tcp speaks the request (plain HTTP on RAASEL_LISTEN's port).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${RAASEL_LISTEN##*:} && printf 'GET /ready HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# SIGTERM drains (--shutdown-delay, --shutdown-grace) and exits 0; give `docker stop` more
# than RAASEL_SHUTDOWN_DELAY + RAASEL_SHUTDOWN_GRACE (10 s by default) with --time/-t.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/raasel"]
CMD ["serve"]

FROM ${NODE_IMAGE} AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/ ./
RUN npm run build

FROM ${RUST_IMAGE} AS build
# The commit `raasel --version` names (the build context has no .git): pass
# --build-arg RAASEL_GIT_COMMIT=$(git rev-parse --short HEAD).
ARG RAASEL_GIT_COMMIT=unknown
ENV RAASEL_GIT_COMMIT=${RAASEL_GIT_COMMIT}
WORKDIR /src
COPY . .
COPY --from=web /src/web/dist web/dist
# build.rs rebuilds the front end only when web/dist/index.html is older than web/'s sources.
RUN touch web/dist/index.html && cargo build --release --locked --bin raasel

FROM runtime
COPY --from=build /src/target/release/raasel /usr/local/bin/raasel
