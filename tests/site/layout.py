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


NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(null))))"


def layout_problems(page) -> list[str]:
    """Problems at the top of the page and at its bottom (where the last actions are).

    The scrolls are instant (the site's `scroll-behavior: smooth` would animate them), and the check
    at the bottom runs once a frame has been drawn there.
    """
    problems = page.evaluate(LAYOUT_PROBLEMS)
    bottom = page.evaluate("() => { window.scrollTo({top: document.body.scrollHeight, behavior: 'instant'});"
                           " return Math.abs(scrollY - (document.documentElement.scrollHeight - innerHeight)) }")
    assert bottom <= 1, f"not scrolled to the bottom of {page.url} ({bottom}px short)"
    page.evaluate(NEXT_FRAME)
    problems += [f"(scrolled to the bottom) {p}" for p in page.evaluate(LAYOUT_PROBLEMS)]
    page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
    return problems


def track_open_requests(page) -> set:
    """The page's requests still open (sent, not yet finished or failed)."""
    open_requests: set = set()
    page.on("request", lambda request: open_requests.add(request))
    page.on("requestfinished", lambda request: open_requests.discard(request))
    page.on("requestfailed", lambda request: open_requests.discard(request))
    return open_requests


def wait_until_settled(page, open_requests: set, timeout_s: float = 15) -> None:
    """After the load event: the web fonts are in, a frame has been drawn, and none of the page's
    requests is still open (an event-based stand-in for Playwright's 500 ms "networkidle")."""
    import time

    page.evaluate("() => document.fonts.ready.then(() => null)")
    page.evaluate(NEXT_FRAME)
    deadline = time.monotonic() + timeout_s
    while open_requests:
        assert time.monotonic() < deadline, f"{page.url}: requests still open: {[r.url for r in open_requests]}"
        page.wait_for_timeout(20)


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
