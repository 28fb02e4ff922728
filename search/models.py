"""What search needs beyond the catalogue's own tables.

The weighted full-text vector itself is `Service.search_vector` (a `search.fields.SearchDocumentField`
declared on the model, filled in the same INSERT/UPDATE that saves the text it is made from).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExpertStats(models.Model):
    """Measured behaviour of an expert, shown on the compare page and used by the "answers within
    a day" filter.

    Messaging writes the median first-response time (`manage.py response_stats`, hourly) and reviews
    the share of orders delivered on time, both from real rows. An expert without a value reads as
    "not measured yet".
    """

    expert = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="search_stats",
        verbose_name=_("expert"),
    )
    response_seconds = models.PositiveIntegerField(_("median response time (seconds)"), null=True, blank=True)
    on_time_rate = models.DecimalField(
        _("on-time delivery (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("expert statistics")
        verbose_name_plural = _("expert statistics")
        indexes = [models.Index(fields=["response_seconds"], name="search_stats_response")]

    def __str__(self) -> str:
        return str(self.expert_id)


class Synonym(models.Model):
    """Two ways of writing the same thing («logo» ↔ «لوگو», «سیو» ↔ «سئو»), edited by staff.

    Applied when querying, in both directions: a search for either finds services written with the
    other. An edit takes effect at once (the expansion cache is cleared and cached pages follow the
    catalogue version).
    """

    term = models.CharField(_("term"), max_length=100, help_text=_("A word or a short phrase people type."))
    synonym = models.CharField(_("synonym"), max_length=100, help_text=_("The word services are written with."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        ordering = ["term", "synonym"]
        constraints = [models.UniqueConstraint(fields=["term", "synonym"], name="search_synonym_unique")]

    def __str__(self) -> str:
        return f"{self.term} ↔ {self.synonym}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from .text import words

        if not words(self.term):
            raise ValidationError({"term": _("Enter at least one letter or digit.")})
        if not words(self.synonym):
            raise ValidationError({"synonym": _("Enter at least one letter or digit.")})
        if words(self.term) == words(self.synonym):
            raise ValidationError({"synonym": _("The synonym is the same as the term.")})


class Term(models.Model):
    """One word of the published catalogue and how many services use it: the "did you mean" vocabulary.

    New words are added when a service is indexed (after its transaction commits, so no writer ever
    waits on this table); the frequencies are recounted from the search index by a periodic task.
    Candidates for a misspelt word are found by shared letter pairs (`bigrams`, GIN-indexed, so no
    PostgreSQL extension is needed) and ranked by edit distance in Python.
    """

    word = models.CharField(_("word"), max_length=60, primary_key=True)
    frequency = models.PositiveIntegerField(_("services using it"), default=1)
    length = models.PositiveSmallIntegerField(_("length"))
    bigrams = ArrayField(models.CharField(max_length=2), verbose_name=_("letter pairs"))

    class Meta:
        verbose_name = _("search vocabulary word")
        verbose_name_plural = _("search vocabulary")
        indexes = [GinIndex(fields=["bigrams"], name="search_term_bigrams")]

    def __str__(self) -> str:
        return self.word
