"""Write default.json from default.yml: `python -m issueplan.policy.default_json` after editing the policy.

The default policy is read on every `plan` and `sync`; PyYAML's loader took a fifth of `plan`'s start-up,
so the package ships the same data as JSON too (policy/config.py reads it; a test holds the two equal).
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from issueplan.policy.config import DEFAULT_POLICY_JSON, DEFAULT_POLICY_YAML

HERE = Path(__file__).parent


def policy_json(yaml_text: str) -> str:
    """The JSON text of a policy written in YAML: the same data, one spelling."""
    return json.dumps(yaml.safe_load(yaml_text), indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    source = (HERE / DEFAULT_POLICY_YAML).read_text(encoding="utf-8")
    (HERE / DEFAULT_POLICY_JSON).write_text(policy_json(source), encoding="utf-8")
