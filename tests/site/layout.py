"""Layout checks run in the browser: horizontal overflow and fixed elements over buttons."""

LAYOUT_PROBLEMS = """() => {
  const vw = document.documentElement.clientWidth;
  const problems = [];
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).slice(0, 3).join('.') : '') +
    (el.innerText ? ' «' + el.innerText.trim().slice(0, 30) + '»' : '');
  const visible = el => {
    if (el.checkVisibility && !el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0;
  };
  if (document.documentElement.scrollWidth > vw + 1) {
    const culprits = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (visible(el) && r.right > vw + 1 && !el.closest('.table-responsive, .az-scroll-x')) culprits.push(describe(el));
      if (culprits.length >= 4) break;
    }
    problems.push('page is ' + document.documentElement.scrollWidth + 'px wide on a ' + vw + 'px screen: ' + culprits.join(' | '));
  }
  const fixed = [...document.querySelectorAll('body *')].filter(el => getComputedStyle(el).position === 'fixed' && visible(el));
  const actions = [...document.querySelectorAll('a.btn, button, input[type=submit], [role=button]')]
    .filter(el => visible(el) && !fixed.some(f => f.contains(el)));
  for (const f of fixed) {
    const a = f.getBoundingClientRect();
    for (const el of actions) {
      const b = el.getBoundingClientRect();
      const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2;
      if (overlap) problems.push('fixed ' + describe(f) + ' covers ' + describe(el));
    }
  }
  // Tap targets of at least 44 px (DESIGN.md §11); inline links inside sentences are exempt.
  const targets = document.querySelectorAll('main button, main .btn, main .breadcrumb a, main .az-chip, main .page-link, ' +
    'main .form-check, header button, header .nav-link, header input, main select, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file])');
  for (const el of targets) {
    if (!visible(el) || el.closest('.visually-hidden, .dropdown-menu')) continue;
    const r = el.getBoundingClientRect();
    if (r.height < 43.5) problems.push('tap target ' + Math.round(r.height) + 'px high: ' + describe(el));
  }
  return problems;
}"""


def layout_problems(page) -> list[str]:
    """Problems at the top of the page and at its bottom (where the last actions are)."""
    problems = page.evaluate(LAYOUT_PROBLEMS)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(50)
    problems += [f"(scrolled to the bottom) {p}" for p in page.evaluate(LAYOUT_PROBLEMS)]
    page.evaluate("window.scrollTo(0, 0)")
    return problems


def serious_accessibility_problems(page) -> list[str]:
    """axe-core's serious and critical findings on the page, one line each with the offending elements."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    problems = []
    for violation in results.response["violations"]:
        if violation.get("impact") in ("serious", "critical"):
            targets = ", ".join(str(node["target"][0]) for node in violation["nodes"][:3])
            problems.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return problems
