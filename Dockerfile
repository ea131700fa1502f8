# The GitHub Action's image. Two stages: the builder turns the source into a wheel; the final image holds only a
# slim Python, the locked dependencies and that wheel's files (no compilers, no build tools, no pip cache, no wheel
# left behind, no shell scripts on the way to the entrypoint).
# The base is pinned by digest (python:3.11-slim, multi-arch index) so a rebuild gets the same bits; bump the
# tag and the digest together, in both FROM lines. `RUN --mount` needs BuildKit (Docker 23+ uses it by default).
# Reproducible: every download is pinned by hash, and SOURCE_DATE_EPOCH (the commit time, or this default) fixes
# the wheel's timestamps and makes Python's bytecode hash-based, so two builds of one commit hold the same files.

FROM python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7 AS builder
ARG SOURCE_DATE_EPOCH=315532800
WORKDIR /src
# The build backend at the hashes in build-requirements.lock (pip-compile of pyproject.toml's [build-system]);
# the wheel is then built from it alone: no build isolation, no index, so nothing is fetched unpinned.
COPY build-requirements.lock ./
RUN python -m pip install --no-cache-dir --require-hashes --no-deps --requirement build-requirements.lock
COPY pyproject.toml README.md ./
COPY src ./src
RUN python -m pip wheel --no-cache-dir --no-deps --no-build-isolation --no-index --wheel-dir /wheels .
# Beside the wheel, so the final stage mounts one directory (a mounted file can leave an empty stub behind).
COPY requirements.lock /wheels/

FROM python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7
ARG SOURCE_DATE_EPOCH=315532800
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore
# The dependencies at the versions and hashes CI tested and pip-audit checked (requirements.lock), then the wheel
# alone; both bind-mounted from the builder, not copied, so neither stays in a layer.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    python -m pip install --no-cache-dir --require-hashes --no-deps --requirement /wheels/requirements.lock \
    && python -m pip install --no-cache-dir --no-deps --no-index /wheels/issueplan-*.whl
# No USER line on purpose: GitHub runs Docker actions as root with the workspace mounted, and a non-root user
# cannot read or write it (README, "Releasing the action image"). What the action writes into the workspace is
# handed to the workspace's owner instead (issueplan/workspace_files.py).
ENTRYPOINT ["python", "-m", "issueplan.action"]
