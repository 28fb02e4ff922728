"""The expert's dashboard (`home.views.dashboard`) built in one Python pass.

The page is visited on every sign-in of an expert and its template cost most of the request (includes,
loops, {% url %} and {% translate %} per item). Here the parts that hang on no user (labels, links) are
made once per process and language, and the expert's figures are put in with one `str.format` per piece.
Every figure still comes from `selectors.expert_dashboard`; nothing of one expert is kept for another.
"""

from __future__ import annotations

from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from azmoodegan.escaping import escape
from azmoodegan.templatetags.persian import fa_digits, fa_number, toman
from orders.models import Order
from reviews.templatetags.reviews_tags import level_progress_html

from .templatetags.home_tags import avatar, bar_chart_svg, hours

_FRAMES: dict[tuple, dict] = {}


def _frame() -> dict:
    """Labels and links of the page in the active language (no user's data: shared by all)."""
    key = (get_language(), get_script_prefix())
    frame = _FRAMES.get(key)
    if frame is None:
        def t(text):
            return escape(gettext(text))

        frame = {
            "dashboard": t("Dashboard"), "month": t("Earnings this month"), "year": t("Last 12 months"),
            "due": t("Due within two days"), "saves": t("Saved by buyers"), "late": gettext("%(n)s late"),
            "per_month": t("Earnings per month"), "chart_title": gettext("Earnings per month"),
            "per_month_note": t("What reached your balance after the commission, per month."),
            "by_state": t("Orders by state"), "days30": t("Last 30 days"), "views": t("Service page views"),
            "clicks": t("Clicks to order"), "orders": t("Orders"), "conversion": t("Conversion (orders per view)"),
            "response": t("Response time"), "hours": gettext("about %(h)s hours"), "on_time": t("On time"),
            "rating": t("Rating"), "no_reviews": t("No reviews yet"),
            "counted": t("Page views are counted every few minutes."), "portfolio": t("Portfolio"),
            "vacation": t("Vacation mode"),
            "wallet": escape(reverse("escrow:wallet")), "received": escape(reverse("orders:received")),
            "services": escape(reverse("services:dashboard")), "portfolio_url": escape(reverse("home:portfolio")),
            "settings_url": escape(reverse("home:settings")),
            "status": {value: escape(label) for value, label in Order.Status.choices},
        }
        _FRAMES[key] = frame
    return frame


def _stat(href: str, label: str, value: str, testid: str = "", extra: str = "") -> str:
    testid = f' data-testid="{testid}"' if testid else ""
    return (f'  <div class="col-6 col-lg-3"><a class="az-card az-stat" href="{href}"{testid}><span class="az-stat-label">'
            f'{label}</span><strong>{value}</strong>{extra}</a></div>\n')


def dashboard_html(d: dict, profile) -> SafeString:
    f = _frame()
    stats = d["stats"]
    late = ""
    if d["late"]:
        late = '<small class="text-danger">{}</small>'.format(f["late"] % {"n": escape(fa_number(d["late"]))})
    by_status = "".join(
        '<li class="d-flex justify-content-between border-bottom py-1"><a href="{}?status={}">{}</a>'
        "<strong>{}</strong></li>".format(f["received"], escape(value), f["status"].get(value) or escape(label),
                                          escape(fa_number(n)))
        for value, label, n in d["by_status"])
    conversion = "—" if d["conversion"] is None else escape(fa_digits(d["conversion"])) + "٪"
    if stats and stats["response_seconds"]:
        response = f["hours"] % {"h": escape(fa_digits(hours(stats["response_seconds"])))}
    else:
        response = "—"
    if stats and stats["on_time_rate"] is not None:
        on_time = escape(fa_digits(floatformat(stats["on_time_rate"], 0))) + "٪"
    else:
        on_time = "—"
    if d["rating"]:
        rating = "{} ({})".format(escape(fa_digits(floatformat(d["rating"], 1))),
                                  escape(fa_number(d["services"]["reviews"])))
    else:
        rating = f["no_reviews"]

    def dd(label, value, testid=""):
        testid = f' data-testid="{testid}"' if testid else ""
        return f'      <dt class="col-7">{label}</dt><dd class="col-5"{testid}>{value}</dd>\n'

    return mark_safe("".join((  # noqa: S308 - every value in it is escaped or made here
        '\n<div class="d-flex align-items-center gap-3 mb-3">', avatar(profile, "md"),
        '<div><h1 class="h3 mb-0">', f["dashboard"], '</h1><div class="az-muted small">',
        escape(profile.display_name), "</div></div></div>\n\n",
        '<div class="row g-3 mb-3">\n',
        _stat(f["wallet"], f["month"], escape(toman(d["this_month"])), "stat-month"),
        _stat(f["wallet"], f["year"], escape(toman(d["year_total"]))),
        _stat(f["received"], f["due"], escape(fa_number(d["due_soon"])), "stat-due", late),
        _stat(f["services"], f["saves"], escape(fa_number(d["saves"])), "stat-saves"),
        "</div>\n\n",
        '<section class="az-card p-3 mb-3" aria-labelledby="earn-title">\n',
        '  <h2 id="earn-title" class="h5">', f["per_month"], "</h2>\n",
        '  <p class="small az-muted">', f["per_month_note"], "</p>\n  ",
        bar_chart_svg(d["chart"], f["chart_title"], money=True, show_labels=True, testid="earnings-chart"),
        "\n\n</section>\n\n",
        '<div class="row g-3 mb-3">\n',
        '  <div class="col-lg-6"><section class="az-card p-3 h-100" aria-labelledby="orders-title">\n',
        '    <h2 id="orders-title" class="h5">', f["by_state"], "</h2>\n",
        '    <ul class="list-unstyled mb-0" data-testid="orders-by-state">', by_status, "</ul>\n",
        "  </section></div>\n",
        '  <div class="col-lg-6"><section class="az-card p-3 h-100" aria-labelledby="traffic-title">\n',
        '    <h2 id="traffic-title" class="h5">', f["days30"], "</h2>\n",
        '    <dl class="row mb-0 small">\n',
        dd(f["views"], '<a href="{}">{}</a>'.format(f["services"], escape(fa_number(d["views"]))), "stat-views"),
        dd(f["clicks"], '<a href="{}">{}</a>'.format(f["services"], escape(fa_number(d["clicks"])))),
        dd(f["orders"], '<a href="{}">{}</a>'.format(f["received"], escape(fa_number(d["orders_30"])))),
        dd(f["conversion"], conversion),
        dd(f["response"], response),
        dd(f["on_time"], on_time),
        dd(f["rating"], rating, "stat-rating"),
        "    </dl>\n  </section></div>\n</div>\n",
        level_progress_html(d["standing"]), "\n",
        '<p class="small az-muted">', f["counted"], ' <a href="', f["portfolio_url"], '">', f["portfolio"],
        '</a> · <a href="', f["settings_url"], '">', f["vacation"], "</a></p>\n",
    )))
