"""Error tracking for the web app: set up once at start-up."""

import os

import sentry_sdk


def start() -> None:
    sentry_sdk.init(dsn=os.environ.get("APP_SENTRY_DSN"), traces_sample_rate=0.1)
