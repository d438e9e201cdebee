"""axe-core audits inside the browser.

axe.min.js (shipped by axe-playwright-python) is evaluated through the DevTools protocol, which the
page's Content-Security-Policy does not govern, so the portal's strict CSP stays on during tests.
"""

from axe_playwright_python.base import AXE_SCRIPT

BLOCKING_IMPACTS = ("serious", "critical")
RUN_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}


class AccessibilityError(AssertionError):
    def __init__(self, label: str, violations: list[dict]):
        self.violations = violations
        super().__init__(
            f"axe found serious/critical violations on {label}:\n{format_violations(violations)}"
        )


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:10]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def run_axe(page, options: dict = RUN_OPTIONS) -> list[dict]:
    """All violations axe finds on the current page (any impact)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("options => window.axe.run(document, options)", options)
    return results["violations"]


def assert_accessible(page, *, label: str = "page") -> list[dict]:
    """Fail on serious or critical violations; print lesser ones. Returns the lesser ones."""
    violations = run_axe(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    minor = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
    if minor:
        print(f"axe (minor/moderate) on {label}:\n{format_violations(minor)}")
    if blocking:
        print(format_violations(blocking))
        raise AccessibilityError(label, blocking)
    return minor
