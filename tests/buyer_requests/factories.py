"""Requests and offers made through the real actions."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from buyer_requests import actions
from services.models import Service
from tests.accounts.factories import UserFactory
from tests.services.factories import PackageFactory, ServiceFactory, SubCategoryFactory, expert_user

OLD = timezone.now() - dt.timedelta(days=30)


def buyer(**kwargs):
    kwargs.setdefault("date_joined", OLD)
    return UserFactory(**kwargs)


def expert_in(category, **kwargs):
    """An expert with a published service in `category`."""
    user = expert_user(**kwargs)
    service = ServiceFactory(owner=user, category=category, status=Service.Status.PUBLISHED,
                             published_at=timezone.now())
    PackageFactory(service=service)
    user.date_joined = OLD
    user.save(update_fields=["date_joined"])
    return user


def public_request(buyer_user=None, category=None, **kwargs):
    values = {"title": "طراحی لوگوی نانوایی", "description": "یک لوگوی ساده و گرم برای نانوایی سنتی محله می‌خواهم.",
              "budget_min": 5_000_000, "budget_max": 20_000_000, "deadline_days": 7}
    values.update(kwargs)
    return actions.request_create_public(buyer=buyer_user or buyer(), category=category or SubCategoryFactory(),
                                         **values)


def offer(expert, request=None, **kwargs):
    values = {"title": "لوگوی نانوایی در سه طرح", "description": "سه طرح اولیه، یک طرح نهایی با فایل‌های لایه‌باز.",
              "price": 8_000_000, "delivery_days": 5, "revisions": 2, "expiry_days": 7}
    values.update(kwargs)
    return actions.offer_send(expert=expert, request=request, **values)
