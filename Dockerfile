# legation: the web application and the job worker, one image (docs/deployment.md, "Containers").
#   docker build -t legation .
#   docker run ... legation            -> `legation init`, then `legation serve` on port 8000
#   docker run ... legation worker     -> the background job worker
#   docker run ... legation <command>  -> any other legation command (backup, createuser, ...)
# Typst comes inside the `typst` Python package (a wheel with the compiler); Chinese letters and
# reports need Debian's Noto CJK fonts. Nothing runs as root.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LEGATION_HOME=/var/lib/legation \
    LEGATION_LOG_FORMAT=json

# Debian stable's own versions (security updates included on rebuild), not pinned ones.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk tini \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 legation \
    && useradd --system --uid 10001 --gid legation --home-dir /var/lib/legation \
       --shell /usr/sbin/nologin legation \
    && install -d -o legation -g legation -m 0750 /var/lib/legation

WORKDIR /opt/legation
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-compile . \
    && rm -rf /opt/legation/src
COPY --chmod=0755 deploy/docker-entrypoint.sh /usr/local/bin/legation-entrypoint

USER 10001:10001
WORKDIR /var/lib/legation
VOLUME ["/var/lib/legation"]
EXPOSE 8000
# The web container answers /readyz on its port; a worker container is healthy while it runs
# (tini, PID 1, exits with it), so the check passes there (deploy/docker-entrypoint.sh).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["legation-entrypoint", "healthcheck"]
ENTRYPOINT ["/usr/bin/tini", "--", "legation-entrypoint"]
CMD ["serve"]
