# The one raasel binary with its web front end built in, on a small Debian base.
# Build: docker build -t raasel .    Run: docker run -p 8080:8080 -v raasel-data:/data raasel
# (No container engine runs on the machines this project is developed and tested on, so this
# file is not exercised by the test command; the steps are the README's own.)

FROM rust:1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# build.rs builds web/ (npm ci + npm run build) when web/dist is missing.
RUN cargo build --release --locked --bin raasel

FROM debian:bookworm-slim
RUN useradd --system --home /data --shell /usr/sbin/nologin raasel \
    && mkdir -p /data && chown raasel /data
COPY --from=build /src/target/release/raasel /usr/local/bin/raasel
USER raasel
ENV RAASEL_LISTEN=0.0.0.0:8080 RAASEL_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/raasel"]
CMD ["serve"]
