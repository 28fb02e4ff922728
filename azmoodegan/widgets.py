"""Form widgets every app shares."""

from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that lets the user pick several files (the field's `clean` receives a list)."""

    allow_multiple_selected = True
