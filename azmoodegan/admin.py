"""Admin pieces every app shares."""

from django.contrib import admin


class ReadOnlyInline(admin.TabularInline):
    """Rows staff read beside their parent but never add, change or delete there (writes go through
    the apps' actions). Subclasses set `model` and `fields`; every field is shown read-only."""

    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or ()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
