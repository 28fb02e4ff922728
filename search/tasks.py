"""Search upkeep in the background."""

from celery import shared_task


@shared_task(name="search.tasks.rebuild_vocabulary")
def rebuild_vocabulary_task() -> int:
    """Recount the "did you mean" vocabulary from the published catalogue (nightly)."""
    from .indexing import rebuild_vocabulary

    return rebuild_vocabulary()
