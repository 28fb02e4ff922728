"""Every write that changes the catalogue: one function per business operation.

Rules (issue 3): prices 50,000–500,000,000 Toman, stored as Rials; delivery 1–90 days; revisions
0–10 or unlimited (None); package prices strictly increase basic < standard < premium; at most six
images, exactly one cover while any exist; only the owner edits, only staff moderate.

Editing a published (or paused) service: the expert edits a *revision*, a copy of the service
(`revision_of` points at the live row, never listed). The live service stays exactly as approved
while the revision is drafted, reviewed, rejected or resubmitted; when staff approve the revision
its content is applied to the live row in one transaction (package rows keep their ids, so
orders that point at them stay valid) and the revision row is removed. The edit actions refuse
to touch a live row directly; `service_save` routes an edit of a live service to its revision.

Each action locks the service row (`select_for_update`) so concurrent edits, moderation and
package changes serialise, and recomputes the denormalised `min_price`/`min_delivery_days` in
the same transaction. Emails and image resizing are queued with `transaction.on_commit`.

The functions live in modules by topic and are all importable from here (`services.actions.X`):
`editing` (create, update, FAQ, questions, the edit page's `service_save`), `packages`, `gallery`,
`moderation` (submit, approve, reject, pause, resume, delete), `revisions`. The one-field checks
the forms share (`package_check`, `gallery_check_file`) are in `services.validators`.
"""

from ..validators import gallery_check_file, package_check
from .editing import (
    QuestionData,
    faq_set,
    requirement_questions_set,
    service_create,
    service_save,
    service_update,
)
from .gallery import gallery_add, gallery_remove, gallery_set_cover
from .moderation import (
    service_approve,
    service_delete,
    service_pause,
    service_reject,
    service_resume,
    service_submit,
)
from .packages import PackageData, package_set, recompute_package_summary
from .revisions import service_revision_start

__all__ = [
    "PackageData",
    "QuestionData",
    "faq_set",
    "gallery_add",
    "gallery_check_file",
    "gallery_remove",
    "gallery_set_cover",
    "package_check",
    "package_set",
    "recompute_package_summary",
    "requirement_questions_set",
    "service_approve",
    "service_create",
    "service_delete",
    "service_pause",
    "service_reject",
    "service_resume",
    "service_revision_start",
    "service_save",
    "service_submit",
    "service_update",
]
