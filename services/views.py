"""Pages of the catalogue: browsing, the service page, and the expert's dashboard and editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from azmoodegan import shared

from . import actions, selectors
from .exceptions import ServiceError
from .forms import FAQFormSet, PackageForm, QuestionFormSet, ServiceForm
from .models import Category, GalleryImage, Package, Service

DASHBOARD_PAGE_SIZE = 20


# --- Browsing ------------------------------------------------------------------------------------


def category_list(request):
    return render(request, "services/category_list.html", {"tree": selectors.category_tree()})


def category_detail(request, slug: str):
    """A category's page: the search page with the category fixed (filters, sorting, compare)."""
    from search.views import search as search_view

    category = get_object_or_404(Category.objects.select_related("parent"), slug=slug)
    top = category.parent or category
    siblings = list(Category.objects.filter(parent_id=top.pk).order_by("position", "name"))
    return search_view(
        request, category=category, template_name="services/category_detail.html",
        extra_context={"top": top, "subcategories": siblings},
    )


def _visible_service(request, pk: int) -> Service:
    service = selectors.service_for_page(pk)
    if service is None or not service.visible_to(request.user):
        raise Http404
    return service


def service_detail(request, pk: int, slug: str | None = None):
    service = _visible_service(request, pk)
    if slug != service.slug:
        return redirect(service.get_absolute_url(), permanent=True)
    return _render_service(request, service, preview=False)


def _render_service(request, service: Service, *, preview: bool):
    is_owner = request.user.is_authenticated and request.user.pk == service.owner_id
    # Signed-in visitors share the page of a published service (azmoodegan.shared); its owner, with
    # the owner's controls, and previews are rendered for their viewer alone.
    if preview or is_owner or service.status != Service.Status.PUBLISHED:
        shared.render_privately(request)
    shared.only_for_others(request, service.owner_id)
    packages = list(service.packages.all())
    images = list(service.images.all())
    return render(request, "services/service_detail.html", {
        "service": service, "packages": packages, "images": images, "faqs": list(service.faqs.all()),
        "profile": getattr(service.owner, "expert_profile", None), "others": selectors.other_services_by(service),
        "preview": preview, "is_owner": is_owner,
    })


# --- The expert's side ---------------------------------------------------------------------------


def _own_service(request, pk: int) -> Service:
    """The owner's service (any status but deleted); 404 for everyone else, so ids don't leak."""
    service = (Service.objects.filter(pk=pk, owner_id=request.user.pk, revision_of__isnull=True)
               .exclude(status=Service.Status.DELETED).first())
    if service is None:
        raise Http404
    return service


def _edit_target(service: Service) -> Service:
    """What the editor shows: the open revision of a live service, or the service itself."""
    return Service.objects.filter(revision_of=service).first() or service


@login_required
def dashboard(request):
    if not request.user.is_expert:
        return redirect("accounts:become_expert")
    status_filter = request.GET.get("status")
    if status_filter not in Service.Status.values or status_filter == Service.Status.DELETED:
        status_filter = None
    counts = selectors.dashboard_counts(request.user.pk)
    counts.pop(Service.Status.DELETED, None)
    page = Paginator(selectors.dashboard_services(request.user.pk, status_filter), DASHBOARD_PAGE_SIZE).get_page(
        request.GET.get("page"))
    tabs = [(value, label, counts.get(value, 0)) for value, label in Service.Status.choices if value != "deleted"]
    return render(request, "services/dashboard.html", {
        "services": page.object_list, "page": page, "tabs": tabs, "status_filter": status_filter,
        "total": sum(counts.values()),
    })


def _editor_forms(request, service: Service | None):
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    images = list(GalleryImage.objects.filter(service=service).order_by("-is_cover", "position", "pk")) if service else []
    if service is None:
        initial = {}
        packages: dict[str, Package] = {}
        faq_initial, q_initial = [], []
    else:
        cover = next((img.pk for img in images if img.is_cover), None)
        initial = {"title": service.title, "category": service.category_id, "description": service.description,
                   "tags": "، ".join(service.tags), "cover": cover}
        packages = {p.tier: p for p in service.packages.all()}
        faq_initial = [{"question": f.question, "answer": f.answer} for f in service.faqs.all()]
        q_initial = [{"text": q.text, "kind": q.kind, "choices": "\n".join(q.choices), "required": q.required}
                     for q in service.requirement_questions.all()]
    form = ServiceForm(data, files, initial=initial, service=service, existing_images=images)
    package_forms = [PackageForm(data, tier=t, initial=PackageForm.initial_from(packages.get(t)))
                     for t in Package.Tier.values]
    faqs = FAQFormSet(data, initial=faq_initial, prefix="faq")
    questions = QuestionFormSet(data, initial=q_initial, prefix="q")
    return form, package_forms, faqs, questions, images


def _place_error(exc: ServiceError, form, package_forms, faqs, questions) -> None:
    field = exc.field or None
    if field and "-" in field:
        tier, name = field.split("-", 1)
        for pf in package_forms:
            if pf.tier == tier:
                pf.add_error(name if name in pf.fields else None, exc.message)
                return
    if field == "faqs":
        faqs._non_form_errors = faqs.error_class([exc.message])
        return
    if field == "questions":
        questions._non_form_errors = questions.error_class([exc.message])
        return
    form.add_error(field if field in form.fields else None, exc.message)


@login_required
def service_edit(request, pk: int | None = None):
    """Create (pk None) or edit a service: one page with every section, saved together."""
    if not request.user.is_expert:
        messages.info(request, _("Please create your expert profile first; then you can add services."))
        return redirect("accounts:become_expert")
    service = _own_service(request, pk) if pk is not None else None
    target = _edit_target(service) if service is not None else None
    form, package_forms, faqs, questions, images = _editor_forms(request, target)
    if request.method == "POST":
        valid = all([form.is_valid(), *(pf.is_valid() for pf in package_forms), faqs.is_valid(), questions.is_valid()])
        if valid:
            d = form.cleaned_data
            try:
                with transaction.atomic():
                    saved = actions.service_save(
                        actor=request.user, service_id=service.pk if service else None, category=d["category"],
                        title=d["title"], description=d["description"], tags=d["tags"],
                        packages=[pf.package_data() for pf in package_forms if pf.cleaned_data["enabled"]],
                        faqs=[(f.cleaned_data.get("question", ""), f.cleaned_data.get("answer", "")) for f in faqs],
                        questions=[q.question_data() for q in questions],
                        new_images=d.get("images") or [], remove_image_ids=d.get("remove_images") or [],
                        cover_image_id=d.get("cover"),
                    )
                    if request.POST.get("then") == "submit":
                        actions.service_submit(service_id=saved.pk, actor=request.user)
            except ServiceError as exc:
                _place_error(exc, form, package_forms, faqs, questions)
            else:
                if request.POST.get("then") == "submit":
                    messages.success(request, _("Your service was sent for review. We will email you the result."))
                    return redirect("services:dashboard")
                live_pk = saved.revision_of_id or saved.pk
                if request.POST.get("then") == "preview":
                    return redirect("services:preview", pk=live_pk)
                messages.success(request, _("Your changes were saved."))
                return redirect("services:edit", pk=live_pk)
        messages.error(request, _("Some fields need your attention; please check the messages beside them."))
    return render(request, "services/service_form.html", {
        "service": service, "target": target, "form": form, "package_forms": package_forms, "faqs": faqs, "questions": questions,
        "images": images,
    }, status=200)


@login_required
def service_preview(request, pk: int):
    """The page exactly as buyers will see it; for a live service with an open edit, the edit."""
    target = _edit_target(_own_service(request, pk))
    return _render_service(request, selectors.service_for_page(target.pk), preview=True)


def _status_action(action, success_message, *, on_revision: bool = False):
    @login_required
    @require_POST
    def view(request, pk: int):
        service = _own_service(request, pk)
        if on_revision:
            service = Service.objects.filter(revision_of=service).first()
            if service is None:
                raise Http404
        elif action is actions.service_submit:
            service = _edit_target(service)
        try:
            action(service_id=service.pk, actor=request.user)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, success_message())
        return redirect("services:dashboard")

    return view


service_submit = _status_action(actions.service_submit, lambda: _("Your service was sent for review. We will email you the result."))
service_pause = _status_action(actions.service_pause, lambda: _("Your service is paused; buyers won't see it until you resume it."))
service_resume = _status_action(actions.service_resume, lambda: _("Your service is visible to buyers again."))
service_delete = _status_action(actions.service_delete, lambda: _("Your service was deleted."))
revision_discard = _status_action(
    actions.service_delete, lambda: _("Your unpublished changes were discarded."), on_revision=True
)


def order_start(request, package_id: int):
    """The order button of a package: on to the orders app's checkout."""
    package = get_object_or_404(Package, pk=package_id, service__status=Service.Status.PUBLISHED)
    from home.impressions import record_order_click

    record_order_click(package.service_id)
    return redirect("orders:checkout", package_id)


def contact_expert(request, user_id: int):
    """«Contact the expert»: the conversation with this expert (about `?service=` if given)."""
    from django.urls import reverse

    query = request.GET.get("service", "")
    return redirect(reverse("messaging:start", args=[user_id]) + (f"?service={query}" if query.isdigit() else ""))
