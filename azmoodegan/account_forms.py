"""allauth forms with the site's own rules."""

from allauth.account.forms import ResetPasswordForm


class NeutralResetPasswordForm(ResetPasswordForm):
    """Password reset never says whether an email is registered.

    The page always answers «if an account exists with this email, a link was sent»; the owner of
    an unknown address gets allauth's "unknown account" email instead of a link. Signup keeps its
    plain "this email is taken" message (ACCOUNT_PREVENT_ENUMERATION stays off for it).
    """

    def clean_email(self) -> str:
        from allauth.account.adapter import get_adapter
        from allauth.account.internal.userkit import filter_users_by_email

        email = get_adapter().clean_email(self.cleaned_data["email"].lower())
        self.users = filter_users_by_email(email, is_active=True, prefer_verified=True, for_login=True)
        return self.cleaned_data["email"]

