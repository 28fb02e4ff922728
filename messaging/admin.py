from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import Attachment, Block, Conversation, Message, Report, ResponseStats


def highlighted(message: Message) -> str:
    """The message text with the detector's matched parts marked."""
    return highlighted_text(message.body, message.flag_spans or [])


def highlighted_text(body: str, spans) -> str:
    """`body` with the character spans [start, end) marked (escaped everywhere)."""
    parts, pos = [], 0
    for start, end in sorted(spans):
        start, end = max(start, pos), min(end, len(body))
        if start >= end:
            continue
        parts.append(("{}", body[pos:start]))
        parts.append(('<mark class="az-flag-hit">{}</mark>', body[start:end]))
        pos = end
    parts.append(("{}", body[pos:]))
    return format_html_join("", "{}", ((format_html(fmt, text),) for fmt, text in parts))


class FlaggedFilter(admin.SimpleListFilter):
    title = _("moderation")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("flagged", _("Flagged, not reviewed")), ("reported", _("Reported"))]

    def queryset(self, request, queryset):
        if self.value() == "flagged":
            return queryset.filter(flagged=True, flag_reviewed_at__isnull=True)
        if self.value() == "reported":
            return queryset.filter(reports__isnull=False).distinct()
        return queryset


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("original_name", "size", "content_type", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "sender", "conversation", "text_marked", "flagged", "flag_kinds_display")
    list_filter = (FlaggedFilter, "flagged", "kind")
    search_fields = ("body", "sender__email")
    list_select_related = ("sender__expert_profile", "conversation")
    readonly_fields = ("conversation", "sender", "kind", "text_marked", "flag_kinds", "order_event", "created_at",
                       "flag_reviewed_at", "flag_reviewed_by")
    fields = readonly_fields
    inlines = [AttachmentInline]
    actions = ["mark_reviewed"]
    ordering = ("-created_at",)

    @admin.display(description=_("text"))
    def text_marked(self, obj):
        return highlighted(obj)

    @admin.display(description=_("what was found"))
    def flag_kinds_display(self, obj):
        return "، ".join(obj.flag_kinds)

    @admin.action(description=_("Mark as reviewed"))
    def mark_reviewed(self, request, queryset):
        queryset.update(flag_reviewed_at=timezone.now(), flag_reviewed_by=request.user)

    def has_add_permission(self, request):
        return False

    class Media:
        css = {"all": ("css/messaging.css",)}


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("id", "buyer", "expert", "service", "order", "last_activity_at")
    search_fields = ("buyer__email", "expert__email")
    list_select_related = ("buyer__expert_profile", "expert__expert_profile", "service", "order")
    raw_id_fields = ("buyer", "expert", "service", "order", "last_message")
    readonly_fields = ("created_at",)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "reporter", "reason", "message_text", "resolved_at")
    list_filter = ("reason", ("resolved_at", admin.EmptyFieldListFilter))
    list_select_related = ("reporter__expert_profile", "message")
    readonly_fields = ("message", "reporter", "reason", "note", "created_at", "resolved_at", "resolved_by")
    actions = ["mark_handled"]

    @admin.display(description=_("message"))
    def message_text(self, obj):
        return highlighted(obj.message)

    @admin.action(description=_("Mark as handled"))
    def mark_handled(self, request, queryset):
        queryset.update(resolved_at=timezone.now(), resolved_by=request.user)


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ("blocker", "blocked", "created_at")
    raw_id_fields = ("blocker", "blocked")


@admin.register(ResponseStats)
class ResponseStatsAdmin(admin.ModelAdmin):
    list_display = ("expert", "median_seconds", "answered_within_day", "conversations", "computed_at")
    raw_id_fields = ("expert",)
