"""The `issue_types:` section of the config: which GitHub issue type each item type gets.

GitHub's issue types (Bug, Feature, Task, …) are an organisation's; a repository without them answers 404 to
`GET /repos/{owner}/{repo}/issue-types`, and then the sync leaves types alone (the `type:` label is there
either way). A name is matched to the repository's types by case; one the repository lacks is not set.
Null (or every key null) turns a mapping off; with none left, the repository's types are not even read.
"""

# Real annotations, not strings: pydantic builds the models faster (see model/report.py's docstring).

from pydantic import Field

from issueplan.model import Frozen, ItemType

NAME_MAX = 100


class IssueTypeNames(Frozen):
    """Item type -> the name of a GitHub issue type (null: that item type gets none)."""

    security: str | None = Field(default="Bug", min_length=1, max_length=NAME_MAX)
    bug_fix: str | None = Field(default="Bug", min_length=1, max_length=NAME_MAX)
    enhancement: str | None = Field(default="Feature", min_length=1, max_length=NAME_MAX)
    infrastructure: str | None = Field(default="Task", min_length=1, max_length=NAME_MAX)

    def mapping(self) -> dict[ItemType, str]:
        """The mapped item types, in the enum's order."""
        return {kind: name for kind in ItemType if (name := getattr(self, kind.value)) is not None}
