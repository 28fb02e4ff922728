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

# Account emails and the password-reset page, in the site's voice.
EMAILS = [
    gettext_noop('Hello from %(site_name)s!'),
    gettext_noop('Thank you for using %(site_name)s!\n%(site_domain)s'),
    gettext_noop("You're receiving this email because user %(user_display)s has given your email address to register an account on %(site_domain)s."),
    gettext_noop('To confirm this is correct, go to %(activate_url)s'),
    gettext_noop('Your email verification code is listed below. Please enter it in your open browser window.'),
    gettext_noop('Please Confirm Your Email Address'),
    gettext_noop('Email Confirmation'),
    gettext_noop('Your email has been confirmed.'),
    gettext_noop("You're receiving this email because you or someone else has requested a password reset for your user account.\nIt can be safely ignored if you did not request a password reset. Click the link below to reset your password."),
    gettext_noop('Password Reset Email'),
    gettext_noop('You are receiving this email because you, or someone else, tried to access an account with email %(email)s. However, we do not have any record of such an account in our database.'),
    gettext_noop('This mail can be safely ignored if you did not initiate this action.'),
    gettext_noop('If it was you, you can sign up for an account using the link below.'),
    gettext_noop('Unknown Account'),
    gettext_noop('Account Already Exists'),
    gettext_noop('You are receiving this email because you or someone else tried to signup for an\naccount using email address:\n\n%(email)s\n\nHowever, an account using that email address already exists.  In case you have\nforgotten about this, please use the password forgotten procedure to recover\nyour account:\n\n%(password_reset_url)s'),
    gettext_noop('You are receiving this mail because the following change was made to your account:'),
    gettext_noop('If you do not recognize this change then please take proper security precautions immediately. The change to your account originates from:\n\n- IP address: %(ip)s\n- Browser: %(user_agent)s\n- Date: %(timestamp)s'),
    gettext_noop('Your email has been changed from %(from_email)s to %(to_email)s.'),
    gettext_noop('Email Changed'),
    gettext_noop('Email address %(deleted_email)s has been removed from your account.'),
    gettext_noop('Email Removed'),
    gettext_noop('Your password has been changed.'),
    gettext_noop('Password Changed'),
    gettext_noop('Your password has been reset.'),
    gettext_noop('Your password has been set.'),
    gettext_noop('Password Set'),
    gettext_noop('Your sign-in code is listed below. Please enter it in your open browser window.'),
    gettext_noop('Your password reset code is listed below. Please enter it in your open browser window.'),
    gettext_noop('Password Reset Code'),
    gettext_noop('Sign-In Code'),
    gettext_noop('We have sent you an email. If you have not received it please check your spam folder. Otherwise contact us if you do not receive it in a few minutes.'),
]
