"""People: the user account (email login) and the expert profile that lets a user sell."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        """Staff made from the command line are trusted: their address counts as verified."""
        from allauth.account.models import EmailAddress

        extra["is_staff"] = True
        extra["is_superuser"] = True
        user = self._create_user(email, password, **extra)
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        return user


class User(AbstractUser):
    """A person with an account; every user can buy, and an expert profile lets them sell."""

    username = None
    email = models.EmailField(_("email address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        profile = getattr(self, "expert_profile", None)
        if profile is not None:
            return profile.display_name
        return self.get_full_name() or self.email.split("@")[0]

    @property
    def is_expert(self) -> bool:
        return hasattr(self, "expert_profile")


class ExpertProfile(models.Model):
    """What buyers see of an expert, and what the site needs to pay them."""

    class Level(models.TextChoices):
        NEW = "new", _("New expert")
        LEVEL_1 = "level_1", _("Level 1")
        LEVEL_2 = "level_2", _("Level 2")
        TOP_RATED = "top_rated", _("Top rated")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="expert_profile", verbose_name=_("user"))
    display_name = models.CharField(_("display name"), max_length=80)
    headline = models.CharField(_("headline"), max_length=120)
    bio = models.TextField(_("about you"), max_length=3000)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/%Y/%m/", blank=True)
    skills = ArrayField(models.CharField(max_length=40), verbose_name=_("skills"), default=list, blank=True)
    languages = ArrayField(models.CharField(max_length=40), verbose_name=_("languages"), default=list, blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=11)
    national_code = models.CharField(_("national code"), max_length=10, blank=True)
    sheba = models.CharField(_("Sheba number"), max_length=26, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.NEW)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("accounts:expert_public", args=[self.user_id])
