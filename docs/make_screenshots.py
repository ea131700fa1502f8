"""Regenerate the README pictures in docs/images: what a user of issueplan gets, drawn as GitHub shows it.

- ``plan.png``: the top of the plan for the bundled example (title, summary, the first action item), as
  GitHub renders ``plan.md`` in a repository (a single newline is a space there, as in any Markdown file).
- ``gantt.png``: the plan's Timeline section, its Mermaid Gantt chart drawn by Mermaid.
- ``issue.png``: one issue as ``issueplan sync`` creates it (title, labels as coloured pills, milestone, and
  the rendered body, whose newlines are line breaks as in any issue; the hidden marker is an HTML comment and
  stays invisible).

The content comes from the real commands, run on ``examples/``: ``issueplan plan ... --format markdown`` for
the plan and ``issueplan sync ... --sandbox DIR`` (the embedded fake GitHub; nothing leaves the machine) for
the issue, read from ``DIR/github-state.json``. Markdown becomes HTML with markdown-it-py (installed with
rich), styled by a small GitHub-like stylesheet, and headless Chromium takes the screenshots.

This is a developer tool; no test runs it. It needs:

- ``chromium`` on the PATH (Debian: ``apt-get install -y chromium``), or ``--chromium PATH``;
- the ``mermaid`` npm package: give ``--mermaid PATH/TO/mermaid.min.js``, or let the script run
  ``npm install mermaid`` into a folder under the system temp dir (needs ``npm`` and the npm registry);
  node_modules never goes into the repository.

Run it from the repository root with the project's venv::

    .venv/bin/python docs/make_screenshots.py                # writes docs/images/{plan,gantt,issue}.png
    .venv/bin/python docs/make_screenshots.py --issue BUG-003 --keep-html /tmp/shots

Each picture is 1000 px wide and as tall as its content. Everything is local: the pages load no remote file.
"""

from __future__ import annotations

import argparse
import datetime
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NOW = "2026-11-20T10:00:00Z"
WIDTH = 1000
COMMON_ARGS = [
    str(EXAMPLES / "results"),
    "--outcomes",
    str(EXAMPLES / "outcomes.json"),
    "--workspace",
    str(EXAMPLES / "workspace"),
    "--now",
    NOW,
]

CSS = """
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: #ffffff; }
body {
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial,
    "Liberation Sans", sans-serif;
  font-size: 14px; line-height: 1.5; color: #1f2328; padding: 16px;
}
.markdown-body > :first-child { margin-top: 0 !important; }
.markdown-body > :last-child { margin-bottom: 0 !important; }
.markdown-body { font-size: 14px; word-wrap: break-word; }
.markdown-body h1, .markdown-body h2, .markdown-body h3, .markdown-body h4 {
  margin-top: 24px; margin-bottom: 16px; font-weight: 600; line-height: 1.25;
}
.markdown-body h1 { font-size: 2em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; }
.markdown-body h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; }
.markdown-body h3 { font-size: 1.25em; }
.markdown-body h4 { font-size: 1em; }
.markdown-body p, .markdown-body ul, .markdown-body ol, .markdown-body table, .markdown-body pre {
  margin-top: 0; margin-bottom: 16px;
}
.markdown-body ul, .markdown-body ol { padding-left: 2em; }
.markdown-body li + li { margin-top: .25em; }
.markdown-body li > p { margin-top: 16px; }
.markdown-body hr { height: .25em; padding: 0; margin: 24px 0; background: #d1d9e0; border: 0; }
.markdown-body code {
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 85%; padding: .2em .4em; margin: 0; background: #818b981f; border-radius: 6px;
}
.markdown-body pre {
  padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45; background: #f6f8fa; border-radius: 6px;
}
.markdown-body pre code { padding: 0; background: transparent; font-size: 100%; white-space: pre; }
.markdown-body table { border-spacing: 0; border-collapse: collapse; display: block; width: max-content;
  max-width: 100%; overflow: auto; }
.markdown-body table th { font-weight: 600; }
.markdown-body table th, .markdown-body table td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body table tr { background: #ffffff; border-top: 1px solid #d1d9e0b3; }
.markdown-body table tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body .task-list-item { list-style-type: none; }
.markdown-body .contains-task-list { padding-left: 2em; }
.markdown-body .task-list-item input { margin: 0 .2em .25em -1.4em; vertical-align: middle; }
.markdown-body .mermaid-box { margin-bottom: 16px; border: 1px solid #d1d9e0; border-radius: 6px;
  padding: 16px; text-align: center; }
.markdown-body pre.mermaid { background: transparent; padding: 0; margin: 0; font-size: 14px;
  line-height: 1.2; }

/* the file view around a rendered Markdown file */
.file { border: 1px solid #d1d9e0; border-radius: 6px; }
.file-header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; border-radius: 6px 6px 0 0;
  padding: 8px 16px; font-weight: 600; display: flex; gap: 8px; align-items: center; }
.file-header .muted { font-weight: 400; color: #59636e; }
.file .markdown-body { padding: 32px; }
.file .fade { height: 40px; border-top: 1px dashed #d1d9e0; color: #59636e; text-align: center;
  line-height: 40px; font-size: 12px; }

/* the issue page */
.issue-title { font-size: 32px; font-weight: 400; margin: 0 0 8px; line-height: 1.25; }
.issue-title .num { color: #59636e; font-weight: 300; }
.issue-meta { display: flex; align-items: center; gap: 8px; color: #59636e; padding-bottom: 16px;
  border-bottom: 1px solid #d1d9e0; margin-bottom: 24px; }
.state { background: #1f883d; color: #fff; border-radius: 2em; padding: 5px 12px; font-weight: 500; }
.issue-layout { display: flex; gap: 16px; align-items: flex-start; }
.issue-main { flex: 1; min-width: 0; display: flex; gap: 12px; }
.avatar { width: 40px; height: 40px; border-radius: 50%; background: #2088ff; color: #fff;
  display: flex; align-items: center; justify-content: center; font-weight: 700; flex: none; }
.comment { flex: 1; min-width: 0; border: 1px solid #d1d9e0; border-radius: 6px; }
.comment-header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; border-radius: 6px 6px 0 0;
  padding: 8px 16px; color: #59636e; }
.comment-header b { color: #1f2328; }
.bot { border: 1px solid #d1d9e0; border-radius: 2em; padding: 0 6px; font-size: 12px; margin-left: 2px; }
.comment .markdown-body { padding: 16px; }
.sidebar { width: 200px; flex: none; font-size: 12px; }
.sidebar section { padding-bottom: 16px; margin-bottom: 16px; border-bottom: 1px solid #d1d9e0b3; }
.sidebar h3 { font-size: 12px; font-weight: 600; color: #59636e; margin: 0 0 8px; }
.sidebar .muted { color: #59636e; }
.labels { display: flex; flex-wrap: wrap; gap: 4px; }
.label { display: inline-block; padding: 0 7px; font-size: 12px; font-weight: 500; line-height: 18px;
  border-radius: 2em; border: 1px solid transparent; white-space: nowrap; }
.progress { height: 8px; background: #d1d9e0; border-radius: 6px; margin: 6px 0; overflow: hidden; }
.progress span { display: block; height: 100%; background: #1f883d; }
.milestone-title { font-weight: 600; color: #1f2328; }
"""

# Mermaid draws in the page; once every chart is drawn, the title carries the page's height for the first
# pass. The clock is pinned to the plan's --now, so the Gantt chart's "today" line is where the plan says it
# is and the picture does not change from day to day.
SCRIPT = """
<script>
  (() => {{
    const fixed = Date.parse("{now}");
    const Real = Date;
    class Pinned extends Real {{
      constructor(...args) {{ if (args.length === 0) {{ super(fixed); }} else {{ super(...args); }} }}
      static now() {{ return fixed; }}
    }}
    window.Date = Pinned;
  }})();
</script>
<script src="{mermaid}"></script>
<script>
  function done() {{
    document.title = "height=" + Math.ceil(document.documentElement.getBoundingClientRect().height);
  }}
  if (document.querySelector("pre.mermaid")) {{
    mermaid.initialize({{ startOnLoad: false, theme: "default", securityLevel: "strict" }});
    mermaid.run({{ querySelector: "pre.mermaid" }}).then(done, (e) => {{ document.title = "error=" + e; }});
  }} else {{
    done();
  }}
</script>
"""


def markdown_to_html(text: str, *, hard_breaks: bool) -> str:
    """Render GitHub-flavoured Markdown: tables, strikethrough, task lists, Mermaid fences. An issue body
    keeps its line breaks on GitHub (``hard_breaks``); a Markdown file in a repository does not."""
    md = MarkdownIt("gfm-like", {"linkify": False, "breaks": hard_breaks})
    default_fence = md.renderer.rules["fence"]

    def fence(renderer, tokens, idx, options, env):  # type: ignore[no-untyped-def]
        token = tokens[idx]
        if token.info.strip() == "mermaid":
            return f'<div class="mermaid-box"><pre class="mermaid">{html.escape(token.content)}</pre></div>\n'
        return default_fence(tokens, idx, options, env)

    md.add_render_rule("fence", fence)
    rendered = md.render(text)
    # Task lists, as GitHub draws them: an unticked or ticked checkbox in place of "[ ]" / "[x]".
    rendered = re.sub(
        r"<li>(\s*<p>)?\[([ xX])\] ",
        lambda m: (
            '<li class="task-list-item">'
            + (m.group(1) or "")
            + '<input type="checkbox" disabled'
            + (" checked" if m.group(2) in "xX" else "")
            + "> "
        ),
        rendered,
    )
    return rendered.replace(
        '<ul>\n<li class="task-list-item">', '<ul class="contains-task-list">\n<li class="task-list-item">'
    )


def page(body: str, mermaid_js: Path) -> str:
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>loading</title>'
        f"<style>{CSS}</style></head>\n<body>\n{body}\n"
        + SCRIPT.format(mermaid=mermaid_js.as_uri(), now=NOW)
        + "</body></html>\n"
    )


def run_issueplan(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "issueplan", *args],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def split_plan(plan: str, items: int) -> tuple[str, str]:
    """The top of the plan up to its first `items` action items, and its Timeline section (the Gantt
    chart)."""
    headings = [m.start() for m in re.finditer(r"^#### ", plan, flags=re.MULTILINE)]
    top = plan[: headings[items]] if len(headings) > items else plan[: plan.index("\n## Timeline")]
    top = re.sub(r"\n---\s*$", "\n", top.rstrip() + "\n")
    timeline = plan[plan.index("## Timeline") :]
    if "\n## " in timeline[3:]:
        timeline = timeline[: timeline.index("\n## ", 3)]
    return top, timeline


def plan_pages(mermaid_js: Path, items: int) -> dict[str, str]:
    plan = run_issueplan("plan", *COMMON_ARGS, "--format", "markdown")
    top, charts = split_plan(plan, items)
    total = len(re.findall(r"^#### ", plan, flags=re.MULTILINE))

    def file_view(markdown: str, note: str, fade: str) -> str:
        return (
            '<div class="file"><div class="file-header">plan.md'
            f'<span class="muted">{html.escape(note)}</span></div>'
            f'<div class="markdown-body">{markdown_to_html(markdown, hard_breaks=False)}</div>'
            + (f'<div class="fade">{html.escape(fade)}</div>' if fade else "")
            + "</div>"
        )

    rest = total - items
    return {
        "plan.png": page(
            file_view(
                top, "· issueplan plan --format markdown", f"… {rest} more action items" if rest > 0 else ""
            ),
            mermaid_js,
        ),
        "gantt.png": page(file_view(charts, "· the Timeline section, a Mermaid Gantt chart", ""), mermaid_js),
    }


def label_pill(name: str, color: str) -> str:
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (0, 2, 4))
    light = 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.6
    text = "#1f2328" if light else "#ffffff"
    return f'<span class="label" style="background:#{color};color:{text}">{html.escape(name)}</span>'


def issue_page(mermaid_js: Path, display_id: str) -> str:
    with tempfile.TemporaryDirectory(prefix="issueplan-shots-sandbox-") as sandbox:
        run_issueplan("sync", *COMMON_ARGS, "--sandbox", sandbox)
        state = json.loads((Path(sandbox) / "github-state.json").read_text(encoding="utf-8"))
    issues = [i for i in state["issues"] if not i.get("pull_request")]
    issue = next((i for i in issues if i["title"].startswith(f"{display_id}:")), None)
    if issue is None:
        raise SystemExit(f"no issue {display_id} in the sandbox; titles: {[i['title'] for i in issues]}")
    labels = {label["id"]: label for label in state["labels"]}
    milestones = {m["number"]: m for m in state["milestones"]}
    by_id = {i["id"]: i for i in issues}

    pills = "".join(label_pill(labels[i]["name"], labels[i]["color"]) for i in issue["label_ids"])
    milestone = milestones.get(issue["milestone"])
    if milestone:
        members = [i for i in issues if i["milestone"] == milestone["number"]]
        closed = sum(i["state"] == "closed" for i in members)
        percent = round(100 * closed / len(members))
        due = "no date"
        if milestone["due_on"]:
            due_on = datetime.date.fromisoformat(milestone["due_on"][:10])
            due = f"{due_on:%B} {due_on.day}, {due_on.year}"
        milestone_html = (
            f'<div class="progress"><span style="width:{percent}%"></span></div>'
            f'<div class="milestone-title">{html.escape(milestone["title"])}</div>'
            f'<div class="muted">Due by {html.escape(due)}'
            f" · {percent}% complete</div>"
        )
    else:
        milestone_html = '<div class="muted">No milestone</div>'
    blocked = [by_id[b] for b in issue.get("blocked_by_ids", []) if b in by_id]
    relationships = (
        "<br>".join(f"Blocked by #{b['number']} {html.escape(b['title'])}" for b in blocked)
        if blocked
        else '<span class="muted">None yet</span>'
    )
    user = issue["user"].removesuffix("[bot]")
    bot = '<span class="bot">bot</span>' if issue["user"].endswith("[bot]") else ""
    body = f"""
<h1 class="issue-title">{html.escape(issue["title"])} <span class="num">#{issue["number"]}</span></h1>
<div class="issue-meta"><span class="state">● {issue["state"].capitalize()}</span>
  <span><b>{html.escape(user)}</b>{bot} opened this issue · {len(issue["comments"])} comments</span></div>
<div class="issue-layout">
  <div class="issue-main">
    <div class="avatar">{html.escape(user[:1].upper())}</div>
    <div class="comment">
      <div class="comment-header"><b>{html.escape(user)}</b>{bot} commented</div>
      <div class="markdown-body">{markdown_to_html(issue["body"], hard_breaks=True)}</div>
    </div>
  </div>
  <div class="sidebar">
    <section><h3>Assignees</h3><span class="muted">No one assigned</span></section>
    <section><h3>Labels</h3><div class="labels">{pills}</div></section>
    <section><h3>Milestone</h3>{milestone_html}</section>
    <section><h3>Relationships</h3>{relationships}</section>
  </div>
</div>
"""
    return page(body, mermaid_js)


def chromium_flags(chromium: str, profile: str) -> list[str]:
    return [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=10000",
    ]


def screenshot(chromium: str, html_file: Path, png: Path) -> None:
    """Two passes: the first lets Mermaid draw and reads the page's height from the title, the second takes a
    screenshot exactly that tall."""
    with tempfile.TemporaryDirectory(prefix="issueplan-shots-profile-") as profile:
        flags = chromium_flags(chromium, profile)
        dom = subprocess.run(
            [*flags, f"--window-size={WIDTH},1000", "--dump-dom", html_file.as_uri()],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        found = re.search(r"<title>height=(\d+)</title>", dom)
        if not found:
            title = re.search(r"<title>(.*?)</title>", dom, flags=re.DOTALL)
            raise SystemExit(
                f"{html_file.name}: the page did not finish rendering ({title and title.group(1)})"
            )
        height = int(found.group(1))
        subprocess.run(
            [*flags, f"--window-size={WIDTH},{height}", f"--screenshot={png}", html_file.as_uri()],
            check=True,
            capture_output=True,
        )
    sys.stdout.write(f"{png}: {WIDTH}x{height}, {png.stat().st_size // 1024} KB\n")


def find_mermaid(given: str | None) -> Path:
    if given:
        path = Path(given).resolve()
        if not path.is_file():
            raise SystemExit(f"--mermaid {given}: no such file")
        return path
    folder = Path(tempfile.gettempdir()) / "issueplan-shots-npm"
    path = folder / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    if not path.is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm not found: install it, or give --mermaid PATH/TO/mermaid.min.js")
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund", "mermaid"], check=True
        )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", default=str(ROOT / "docs" / "images"), help="where the PNGs go")
    parser.add_argument("--chromium", default="chromium", help="the Chromium binary")
    parser.add_argument("--mermaid", help="mermaid.min.js (default: npm install mermaid into the temp dir)")
    parser.add_argument("--issue", default="BUG-004", help="the display id of the issue to show")
    parser.add_argument("--items", type=int, default=1, help="how many action items plan.png shows")
    parser.add_argument("--keep-html", help="also write the HTML pages to this folder")
    args = parser.parse_args()

    chromium = shutil.which(args.chromium)
    if chromium is None:
        raise SystemExit(f"{args.chromium} not found: apt-get install -y chromium, or give --chromium PATH")
    mermaid_js = find_mermaid(args.mermaid)
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    pages = plan_pages(mermaid_js, args.items)
    pages["issue.png"] = issue_page(mermaid_js, args.issue)
    with tempfile.TemporaryDirectory(prefix="issueplan-shots-html-") as work:
        html_dir = Path(args.keep_html) if args.keep_html else Path(work)
        html_dir.mkdir(parents=True, exist_ok=True)
        for name, content in pages.items():
            html_file = html_dir / name.replace(".png", ".html")
            html_file.write_text(content, encoding="utf-8")
            screenshot(chromium, html_file.resolve(), out_dir / name)


if __name__ == "__main__":
    main()
