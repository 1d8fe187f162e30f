# opsgrade as a container image: built on Debian 12, run on Debian 12 slim
# as a non-root user.  A CLI, not a service: no HEALTHCHECK, no EXPOSE.
#   docker build -t opsgrade .
#   docker run --rm -v "$PWD:/work" opsgrade report /work --output-dir /work/opsgrade-report
# The base is pinned by digest (update: docker pull debian:bookworm-slim &&
# docker inspect --format '{{index .RepoDigests 0}}' debian:bookworm-slim).
ARG DEBIAN=debian:bookworm-slim@sha256:4b50eb66f977b4062683ff434ef18ac191da862dbe966961bc11990cf5791a8d

FROM ${DEBIAN} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      gcc meson ninja-build pkg-config libcjson-dev libcurl4-openssl-dev \
      libxml2-dev libcairo2-dev libpango1.0-dev libyaml-dev scdoc \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN meson setup /build --prefix=/usr --buildtype=release -Dtests=false \
 && ninja -C /build \
 && DESTDIR=/staging meson install -C /build

FROM ${DEBIAN}
LABEL org.opencontainers.image.title="opsgrade" \
      org.opencontainers.image.description="DevOps maturity assessment: PDF, HTML, PNG, JUnit and JSON reports from a team's evidence" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="https://github.com/opsgrade/opsgrade" \
      org.opencontainers.image.documentation="https://github.com/opsgrade/opsgrade#readme"
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libcjson1 libcurl4 libxml2 libcairo2 libpango-1.0-0 libpangocairo-1.0-0 \
      libyaml-0-2 fonts-dejavu-core ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /home/opsgrade --create-home opsgrade
COPY --from=build /staging/usr /usr
USER 10001:10001
WORKDIR /home/opsgrade
ENTRYPOINT ["/usr/bin/opsgrade"]
CMD ["--help"]
