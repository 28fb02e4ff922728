"""`SearchDocumentField`: the weighted tsvector of a service, declared on the model.

`Service.search_vector` is filled in the very INSERT or UPDATE that saves the text it is made
from: the field's `pre_save` returns a SQL expression (`setweight(to_tsvector('simple', …), 'A') ||
…`) over the Python-prepared documents of `search.text` (normalised, compounds joined and split,
stems), so there is no trigger, no second UPDATE and no column the model does not know.
`Service.save(update_fields=[...])` adds the field whenever a text field is among them.

The vector is write-only for the ORM: selecting it would ship a few kilobytes per service to
Python on every card for nothing, so it reads as NULL; queries use it in WHERE and ORDER BY.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db.models import Value

# The model fields a service's search document is made from (and the owner, for the expert name).
SOURCE_FIELDS = frozenset({"title", "tags", "description", "owner", "owner_id"})


def document_expression(*, title: str, tags, description: str, expert_name: str):
    """The SQL expression of the weighted vector: title A, tags B, description and expert name C."""
    from .indexing import documents

    docs = documents(title=title, tags=tags, description=description, expert_name=expert_name)
    return (
        SearchVector(Value(docs["title"]), weight="A", config="simple")
        + SearchVector(Value(docs["tags"]), weight="B", config="simple")
        + SearchVector(Value(docs["body"]), weight="C", config="simple")
    )


class SearchDocumentField(SearchVectorField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        from .indexing import expert_name_for, remember_words

        name = expert_name_for(model_instance)
        remember_words(model_instance)
        return document_expression(
            title=model_instance.title, tags=model_instance.tags, description=model_instance.description,
            expert_name=name,
        )

    def select_format(self, compiler, sql, params):
        return "NULL::tsvector", []
