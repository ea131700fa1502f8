"""The HTTP environment is read once, at connect: proxies and CA bundles still apply, per request nothing."""

from __future__ import annotations

import pytest

from issueplan.tracker import GitHubTarget, SyncOptions
from issueplan.tracker.environment import environment_settings
from issueplan.tracker.github import connect
from issueplan.tracker.sandbox import FakeGitHub


def test_proxies_and_a_ca_bundle_from_the_environment_reach_the_session(
    fake_github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # the fake itself is reached directly
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/corporate.pem")
    repo = connect(GitHubTarget(api_url=fake_github.base_url, repo="octo/demo", token="t"), SyncOptions())

    assert repo.raw_data["full_name"] == "octo/demo"  # a request went through, directly
    connection = repo._requester._Requester__connection  # type: ignore[attr-defined] # PyGithub's own
    assert connection.session.trust_env is False
    assert connection.verify == "/etc/ssl/corporate.pem"
    assert environment_settings("https://api.github.com")[0]["https"] == "http://proxy.example:3128"


def test_no_proxy_for_the_api_host_means_no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "github.example.com")
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)

    assert environment_settings("https://github.example.com/api/v3") == ({}, None)
