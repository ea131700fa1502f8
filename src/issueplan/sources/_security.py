"""What makes a finding a security finding rather than a code-quality remark: the rules, as data.

A SARIF result counts as security when any of these holds (README "Security or code quality"):

- its tool is a scanner whose every rule is security (SECURITY_SCANNERS below);
- its result or rule carries a `security-severity` property (GitHub code scanning's mark of a security rule);
- its result or rule carries a security tag (SECURITY_TAGS, or a tag starting with one of OWASP_TAG_PREFIXES);
- it names a CWE that is not one of the code-quality-only weaknesses (QUALITY_ONLY_CWES).

Anything else a SARIF producer reports (a linter's spelling or variable-scope rule) is code quality. Audit
readers (pip-audit, npm audit, …) report known vulnerabilities only: their findings are security by the
field's default.
"""

from __future__ import annotations

from collections.abc import Iterable

from issueplan.model import FindingCategory

# Scanners whose every rule is a security rule, as their SARIF `tool.driver.name` spells them (compared
# ignoring case, spaces, dashes and underscores). The second column is what README's table shows.
SECURITY_SCANNERS: tuple[tuple[str, str], ...] = (
    ("Bandit", "Python security linter"),
    ("gosec", "Go security checker"),
    ("Trivy", "vulnerability, misconfiguration and secret scanner"),
    ("Grype", "vulnerability scanner"),
    ("OSV-Scanner", "vulnerability scanner"),
    ("pip-audit", "Python dependency audit"),
    ("npm audit", "npm dependency audit"),
    ("yarn audit", "yarn dependency audit"),
    ("cargo-audit", "Rust dependency audit"),
    ("govulncheck", "Go vulnerability check"),
    ("Dependency-Check", "OWASP dependency checker"),
    ("Snyk Open Source", "dependency vulnerability scanner"),
    ("Snyk Container", "container vulnerability scanner"),
    ("Snyk IaC", "infrastructure-as-code security scanner"),
    ("ZAP", "OWASP ZAP dynamic application security testing"),
    ("OWASP ZAP", "the same, under its longer name"),
    ("Gitleaks", "secret scanner"),
    ("TruffleHog", "secret scanner"),
    ("detect-secrets", "secret scanner"),
    ("Checkov", "infrastructure-as-code security scanner"),
    ("tfsec", "Terraform security scanner"),
    ("KICS", "infrastructure-as-code security scanner"),
    ("Terrascan", "infrastructure-as-code security scanner"),
    ("Kubescape", "Kubernetes security scanner"),
    ("Brakeman", "Ruby on Rails security scanner"),
    ("njsscan", "Node.js security scanner"),
    ("nodejsscan", "the same, under its older name"),
    ("Flawfinder", "C/C++ security flaw finder"),
    ("BinSkim", "binary security analyzer"),
    ("Horusec", "security scanner"),
    ("Fortify Static Code Analyzer", "static application security testing"),
    ("Micro Focus Fortify Static Code Analyzer", "the same, under its vendor's name"),
    ("Security Code Scan", ".NET security analyzer"),
    ("DevSkim", "security linter"),
    ("Sobelow", "Phoenix security scanner"),
    ("zizmor", "GitHub Actions security linter"),
    ("Nuclei", "vulnerability scanner"),
    ("MobSF", "mobile security framework"),
)

SECURITY_TAGS = frozenset({"security", "vulnerability", "vulnerabilities"})
OWASP_TAG_PREFIXES = ("owasp", "external/owasp")

# Weaknesses about code quality that are not vulnerabilities on their own (CWE's "bad coding practices" and
# dead code): a finding naming only these is code quality. CWE-561 is "dead code" (an unreachable statement).
QUALITY_ONLY_CWES: frozenset[int] = frozenset(
    {398, 561, 563, 570, 571, 1041, 1078, 1099, 1106, 1107, 1109, 1113, 1114, 1115, 1116, 1117, 1164}
)


def _plain(name: str) -> str:
    return "".join(char for char in name.casefold() if char.isalnum())


_SCANNER_KEYS = frozenset(_plain(name) for name, _ in SECURITY_SCANNERS)


def is_security_scanner(tool: str) -> bool:
    """True for a scanner whose every rule is security (SECURITY_SCANNERS)."""
    return _plain(tool) in _SCANNER_KEYS


def is_security_tag(tag: str) -> bool:
    folded = tag.strip().casefold()
    return folded in SECURITY_TAGS or folded.startswith(OWASP_TAG_PREFIXES)


def classify(
    *, tool: str, tags: Iterable[str], cwes: Iterable[int], security_severity: bool
) -> FindingCategory:
    """Security when the tool, a `security-severity`, a tag or a CWE says so; code quality otherwise."""
    if (
        is_security_scanner(tool)
        or security_severity
        or any(is_security_tag(tag) for tag in tags)
        or any(cwe not in QUALITY_ONLY_CWES for cwe in cwes)
    ):
        return FindingCategory.SECURITY
    return FindingCategory.QUALITY
