"""Tabbing through a whole page: every control is reached by Tab and shows where the focus is."""

# Marks each control a keyboard user must be able to reach (visible, enabled, not taken out of
# the tab order) and returns how many there are. Radio buttons count once per group: Tab enters a
# group once and the arrow keys move within it.
MARK_CONTROLS = """() => {
  const selector = [
    'a[href]', 'area[href]', 'button', 'input:not([type=hidden])', 'select', 'textarea', 'summary',
    'iframe', '[contenteditable=""]', '[contenteditable=true]', '[tabindex]',
    '[role=button]', '[role=link]', '[role=checkbox]', '[role=tab]', '[role=menuitem]',
    '[role=combobox]', '[role=switch]', '[role=option]'
  ].join(',');
  const shown = (el) => {
    if (el.closest('[inert], [hidden], [aria-hidden=true]')) return false;
    const details = el.closest('details:not([open])');
    if (details && el.tagName !== 'SUMMARY' && el.parentElement !== details) return false;
    if (el.tagName === 'SUMMARY' && el.parentElement.closest('details:not([open])')) return false;
    for (let node = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility === 'hidden') return false;
    }
    return el.getClientRects().length > 0;
  };
  const radios = new Set();
  let count = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.tabIndex < 0 && !el.matches('[role=option]')) continue;
    if (el.matches('[role=option]')) continue;  // options are chosen inside their list box
    if (!shown(el)) continue;
    if (el.type === 'radio' && el.name) {
      const key = (el.form ? el.form.id || 'form' : 'doc') + ':' + el.name;
      if (radios.has(key)) continue;
      radios.add(key);
      el.dataset.kbdGroup = key;
    }
    el.dataset.kbd = String(count++);
  }
  return count;
}"""

# The focused element (or the radio group it belongs to) and whether its focus can be seen: an
# outline or a box shadow.
FOCUSED = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  let id = el.dataset.kbd;
  if (id === undefined && el.type === 'radio' && el.name) {
    const first = document.querySelector(`[data-kbd-group][name="${CSS.escape(el.name)}"]`);
    id = first ? first.dataset.kbd : undefined;
  }
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
    && style.outlineColor !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(style.outlineColor);
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const rect = el.getBoundingClientRect();
  return {
    id: id === undefined ? null : id,
    visible: Boolean(outline || shadow),
    onScreen: rect.width > 0 && rect.height > 0,
    html: el.outerHTML.slice(0, 160),
  };
}"""


def tab_through(page, *, max_extra: int = 15) -> list[str]:
    """Tab from the top of the page to its end; returns the problems found.

    Date and time fields take several Tab presses (one per part), so the budget of presses grows
    with them; the walk ends when the focus wraps around to a control it has already passed."""
    total = page.evaluate(MARK_CONTROLS)
    parts = page.evaluate("() => document.querySelectorAll('input[type^=date], input[type=time]').length")
    # Start the walk at the top of the page, whatever has the focus (e.g. an autofocus field).
    page.evaluate(
        """() => {
          const start = document.createElement('span');
          start.tabIndex = -1;
          document.body.prepend(start);
          start.focus();
        }"""
    )
    reached: set[str] = set()
    problems: list[str] = []
    previous = None
    outside = 0
    for _ in range(total + 5 * parts + max_extra):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            outside += 1  # the focus left the page (the browser's own controls)
            if outside > 2:
                break
            continue
        key = focused["id"] or focused["html"]
        if key == previous:
            continue  # the next part of a date or time field
        previous = key
        if focused["id"] is not None:
            if focused["id"] in reached:
                break  # wrapped around to the top
            reached.add(focused["id"])
        if not (focused["visible"] and focused["onScreen"]):
            problems.append(f"focus not visible on {focused['html']}")
    missing = page.evaluate(
        "reached => [...document.querySelectorAll('[data-kbd]')]"
        ".filter(el => !reached.includes(el.dataset.kbd)).map(el => el.outerHTML.slice(0, 160))",
        sorted(reached),
    )
    problems.extend(f"not reachable by Tab: {html}" for html in missing)
    return problems
