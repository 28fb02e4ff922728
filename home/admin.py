from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import FeaturedService, PortfolioItem, Profile, SavedService
from .vacation import refresh_public_pages


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "mobile", "mobile_verified_at", "identity", "national_code", "vacation_end")
    list_filter = ("identity",)
    search_fields = ("user__email", "mobile", "national_code")
    raw_id_fields = ("user",)
    readonly_fields = ("id_card_link", "mobile_verified_at", "identity_checked_at")
    fields = ("user", "mobile", "mobile_verified_at", "photo", "photo_thumb", "education", "national_code",
              "id_card_link", "identity", "identity_note", "identity_checked_at", "vacation_start", "vacation_end",
              "vacation_message")
    actions = ("mark_identity_verified", "mark_identity_rejected")

    @admin.display(description=_("ID card image"))
    def id_card_link(self, obj):
        if not obj.id_card:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', reverse("home:id_card", args=[obj.user_id]),
                           _("Open the ID card image"))

    def save_model(self, request, obj, form, change):
        if "identity" in form.changed_data and obj.identity in (Profile.Identity.VERIFIED, Profile.Identity.REJECTED):
            obj.identity_checked_at = timezone.now()
        super().save_model(request, obj, form, change)
        refresh_public_pages()

    @admin.action(description=_("Identity checked: national code matches the ID card"))
    def mark_identity_verified(self, request, queryset):
        queryset.exclude(id_card="").exclude(national_code="").update(
            identity=Profile.Identity.VERIFIED, identity_checked_at=timezone.now())
        refresh_public_pages()

    @admin.action(description=_("Identity rejected"))
    def mark_identity_rejected(self, request, queryset):
        queryset.update(identity=Profile.Identity.REJECTED, identity_checked_at=timezone.now())


@admin.register(FeaturedService)
class FeaturedServiceAdmin(admin.ModelAdmin):
    list_display = ("service", "position")
    list_editable = ("position",)
    raw_id_fields = ("service",)


@admin.register(PortfolioItem)
class PortfolioItemAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "created_at")
    raw_id_fields = ("owner", "service")


@admin.register(SavedService)
class SavedServiceAdmin(admin.ModelAdmin):
    list_display = ("user", "service", "created_at")
    raw_id_fields = ("user", "service")
