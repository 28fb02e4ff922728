"""Staff edit the search synonyms («logo» ↔ «لوگو») here; the vocabulary is shown read-only."""

from django.contrib import admin

from .models import Synonym, Term


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ("term", "synonym", "created_at")
    list_editable = ("synonym",)
    list_display_links = ("term",)
    search_fields = ("term", "synonym")
    list_per_page = 100


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("word", "frequency")
    search_fields = ("word",)
    ordering = ("-frequency",)
    readonly_fields = ("word", "frequency", "length", "bigrams")

    def has_add_permission(self, request):
        return False
