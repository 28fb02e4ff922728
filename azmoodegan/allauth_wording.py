"""allauth strings whose shipped Persian is informal or says «رایانامه».

Listing them here puts them in the project catalogue (`locale/fa`), which Django prefers to
allauth's own, so the account pages speak in the site's polite شما voice and say «ایمیل»
like the rest of the site. Nothing imports this module.
"""

from django.utils.translation import gettext_noop

WORDING = [
    gettext_noop("If you have not created an account yet, then please %(link)ssign up%(end_link)s first."),
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    gettext_noop("Please type your current password."),
    gettext_noop("You must type the same password each time."),
    gettext_noop("Please contact us if you have any trouble resetting your password."),
    gettext_noop("Your account has no verified email address."),
    gettext_noop("Email Addresses"),
    gettext_noop("The following email addresses are associated with your account:"),
    gettext_noop("Add Email Address"),
    gettext_noop("Add Email"),
    gettext_noop("Do you really want to remove the selected email address?"),
    gettext_noop("Password Reset Email"),
    gettext_noop("Confirm Email Address"),
    gettext_noop("You cannot remove your primary email address (%(email)s)."),
    gettext_noop("Confirmation email sent to %(email)s."),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop("Removed email address %(email)s."),
    gettext_noop("Verify Your Email Address"),
]
