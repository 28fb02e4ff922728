"""Staff moderation: a queue of services waiting for review, approved or rejected through the
same actions the site uses. Content belongs to the expert, so staff see it read-only."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from azmoodegan.admin import ReadOnlyInline

from . import actions
from .exceptions import ServiceError
from .forms import RejectForm
from .models import FAQ, Category, GalleryImage, Package, RequirementQuestion, Service, ServiceEvent


class PackageInline(ReadOnlyInline):
    model = Package
    fields = ("tier", "title", "description", "price", "delivery_days", "revisions")


class GalleryImageInline(ReadOnlyInline):
    model = GalleryImage
    fields = ("image", "is_cover", "position")


class FAQInline(ReadOnlyInline):
    model = FAQ
    fields = ("question", "answer")


class RequirementQuestionInline(ReadOnlyInline):
    model = RequirementQuestion
    fields = ("text", "kind", "choices", "required")


class ServiceEventInline(ReadOnlyInline):
    model = ServiceEvent
    fk_name = "service"
    fields = ("created_at", "actor", "from_status", "to_status", "note")


class StatusFilter(admin.SimpleListFilter):
    """Opens on the moderation queue (pending review) unless another status is chosen."""

    title = _lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Service.Status.choices, ("all", _lazy("All"))]

    def choices(self, changelist):
        value = self.value() or Service.Status.PENDING_REVIEW
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or Service.Status.PENDING_REVIEW
        if value == "all":
            return queryset
        return queryset.filter(status=value)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "category", "status", "revision_of", "min_price", "submitted_at", "updated_at")
    list_filter = (StatusFilter, ("category__parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "owner__email", "owner__expert_profile__display_name")
    list_select_related = ("owner", "owner__expert_profile", "category")
    ordering = ("submitted_at", "pk")
    actions = ("approve_services", "reject_services")
    inlines = (PackageInline, GalleryImageInline, FAQInline, RequirementQuestionInline, ServiceEventInline)
    readonly_fields = (
        "owner", "category", "title", "slug", "description", "tags", "status", "revision_of", "rejection_reason",
        "published_at",
        "submitted_at", "created_at", "updated_at", "min_price", "min_delivery_days", "rating_avg", "rating_count",
        "completed_orders",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    @admin.action(description=_lazy("Approve and publish the selected services"))
    def approve_services(self, request, queryset):
        done = 0
        for service in queryset:
            try:
                actions.service_approve(service_id=service.pk, actor=request.user)
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{service.title}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)s service(s) published.") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_lazy("Reject the selected services (asks for a reason)"))
    def reject_services(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done = 0
            for service in queryset:
                try:
                    actions.service_reject(service_id=service.pk, actor=request.user, reason=form.cleaned_data["reason"])
                    done += 1
                except ServiceError as exc:
                    self.message_user(request, f"{service.title}: {exc.message}", messages.ERROR)
            if done:
                self.message_user(request, _("%(n)s service(s) rejected; the experts were emailed.") % {"n": done},
                                  messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/services/reject.html", {
            **self.admin_site.each_context(request), "title": _("Reject services"), "services": queryset,
            "form": form, "opts": self.model._meta, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "slug", "position", "icon")
    list_filter = ("parent",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("parent__position", "position", "name")
