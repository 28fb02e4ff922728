from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("id", "handler", "created_at", "attempts", "sent_at", "available_at")
    list_filter = ("handler",)
    readonly_fields = ("handler", "payload", "dedupe_key", "created_at", "attempts", "last_error", "sent_at")
    fields = (*readonly_fields, "available_at")

    def has_add_permission(self, request):
        return False
