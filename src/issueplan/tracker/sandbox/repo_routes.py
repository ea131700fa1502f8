"""The repository, the authenticated user, and the Search API (answered, but clients must not use it)."""

from __future__ import annotations

from issueplan.tracker.sandbox.faults import NOT_ACCESSIBLE
from issueplan.tracker.sandbox.replies import Reply, error
from issueplan.tracker.sandbox.routing import Call, Route, paginate, route
from issueplan.tracker.sandbox.shapes import issue_json, repository_json, user_json
from issueplan.tracker.sandbox.state import IssueRecord


def get_repository(call: Call) -> Reply:
    return Reply(200, repository_json(call.site, call.state, call.state.owner, can_write=call.can_write))


def get_user(call: Call) -> Reply:
    # An Actions GITHUB_TOKEN (an installation token, login "github-actions[bot]") may not read /user.
    if call.login.endswith("[bot]"):
        raise error(
            403, NOT_ACCESSIBLE, "https://docs.github.com/rest/users/users#get-the-authenticated-user"
        )
    profile = {
        "name": None, "company": None, "blog": "", "location": None, "email": None, "hireable": None,
        "bio": None, "public_repos": 1, "public_gists": 0, "followers": 0, "following": 0,
        "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
    }  # fmt: skip
    return Reply(200, {**user_json(call.site, call.login), **profile})


def _matches(call: Call, issue: IssueRecord, terms: list[str]) -> bool:
    names = {lb.name.casefold() for lb in (call.state.label_by_id(i) for i in issue.label_ids) if lb}
    text = f"{issue.title}\n{issue.body or ''}".casefold()
    for term in terms:
        key, _, value = term.partition(":")
        value = value.strip('"').casefold()
        if key == "is" and value in ("open", "closed"):
            ok = issue.state.value == value
        elif key == "is" and value in ("issue", "pr", "pull-request"):
            ok = issue.pull_request == (value != "issue")
        elif key == "state":
            ok = issue.state.value == value
        elif key == "label":
            ok = value in names
        elif key in ("repo", "in", "type", "sort"):
            ok = True
        else:
            ok = term.strip('"').casefold() in text
        if not ok:
            return False
    return True


def search_issues(call: Call) -> Reply:
    """A naive search over the one repository: free text, `is:`, `state:` and `label:` qualifiers."""
    terms = call.query.get("q", "").split()
    found = [i for i in call.state.issues if _matches(call, i, terms)]
    items = [{**issue_json(call.site, call.state, i), "score": 1.0} for i in found]
    page = paginate(call, items)
    page.body = {
        "total_count": len(items),
        "incomplete_results": False,
        "items": page.body,
        "search_type": "lexical",
    }
    return page


TOP_ROUTES: tuple[Route, ...] = (
    route("GET", "/user", get_user),
    route("GET", "/search/issues", search_issues),
)
REPO_ROUTES: tuple[Route, ...] = (route("GET", "", get_repository),)
