"""The HTTP environment, read once per run instead of once per request.

requests' `trust_env` makes every request look up proxies (HTTPS_PROXY, NO_PROXY), CA bundles and .netrc in
the environment again; over a sync's thousand requests that was a visible share of the client's CPU. The
environment does not change during a run, so it is read once, when the connection is made, and the session
then trusts only what it was given: proxies still work (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY for the
API host, as requests reads them), and so does a custom CA bundle (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE).
"""

from __future__ import annotations

import os
from typing import Any

import requests
from github import Github

# PyGithub makes its requests.Session inside its connection class; this is where it keeps that class.
_CONNECTION_CLASS = "_Requester__connectionClass"


def environment_settings(api_url: str) -> tuple[dict[str, str], str | None]:
    """(proxies for `api_url`, CA bundle path or None), as requests would find them per request."""
    proxies = dict(requests.utils.get_environ_proxies(api_url))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None
    return proxies, bundle


def settle_environment(client: Github, api_url: str) -> None:
    """Make `client`'s session use the environment as it is now, without rereading it per request."""
    requester = client.requester
    base: Any = getattr(requester, _CONNECTION_CLASS)
    proxies, bundle = environment_settings(api_url)

    class Settled(base):  # type: ignore[misc] # PyGithub's HTTP(S)RequestsConnectionClass
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.session.trust_env = False
            self.session.proxies.update(proxies)
            if bundle is not None and getattr(self, "verify", True) is True:
                self.verify = bundle

    setattr(requester, _CONNECTION_CLASS, Settled)
