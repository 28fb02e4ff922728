"""Admin strings that makemessages does not find on its own (marked with an alias such as `_lazy`).

Listing them here puts them in the project catalogue (`locale/fa`). Nothing imports this module.
"""

from django.utils.translation import gettext_noop

WORDING = [
    gettext_noop("Approve and publish the selected services"),
    gettext_noop("Reject the selected services (asks for a reason)"),
    gettext_noop("0 of %(cnt)s selected"),
    gettext_noop("All %(total_count)s selected"),
]
WORDING.append(gettext_noop("Enter a Jalali date such as ۱۴۰۵/۰۹/۰۴%(time)s."))
