"""The policy: config model, the closed set of triggers, the shipped default (default.yml) and build_plan."""

from issueplan.policy.config import Config, config_json_schema, find_config, load_config
from issueplan.policy.plan import build_plan
from issueplan.policy.workspace import content_probes, read_workspace

__all__ = [
    "Config",
    "build_plan",
    "config_json_schema",
    "content_probes",
    "find_config",
    "load_config",
    "read_workspace",
]
