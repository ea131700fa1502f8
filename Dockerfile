# The GitHub Action's image. Two stages: the builder turns the source into a wheel; the final image holds only a
# slim Python and that wheel (no compilers, no build tools, no shell scripts on the way to the entrypoint).
# The base is pinned by digest (python:3.11-slim, multi-arch index) so a rebuild gets the same bits; bump the
# tag and the digest together, in both FROM lines.

FROM python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7 AS builder
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN python -m pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
COPY --from=builder /wheels /wheels
COPY requirements.lock /tmp/requirements.lock
# The dependencies at the versions CI tested and pip-audit checked (requirements.lock), then the wheel alone.
RUN python -m pip install --no-cache-dir --requirement /tmp/requirements.lock \
    && python -m pip install --no-cache-dir --no-deps /wheels/*.whl \
    && rm -rf /wheels /tmp/requirements.lock
# No USER line on purpose: GitHub runs Docker actions as root with the workspace mounted, and a non-root user
# cannot read or write it (DESIGN.md, "The container").
ENTRYPOINT ["python", "-m", "issueplan.action"]
