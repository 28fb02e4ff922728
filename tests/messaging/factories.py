from django.core.files.uploadedfile import SimpleUploadedFile

from messaging import actions
from tests.accounts.factories import UserFactory
from tests.services.factories import expert_user


def pair():
    return UserFactory(), expert_user()


def conversation(buyer=None, expert=None, service=None, messages=0):
    buyer = buyer or UserFactory()
    expert = expert or expert_user()
    conv = actions.conversation_for(buyer, expert, service)
    for i in range(messages):
        actions.message_send(conv, buyer if i % 2 == 0 else expert, f"پیام شماره {i}")
    conv.refresh_from_db()
    return conv


def exe_as_pdf(name="invoice.pdf"):
    return SimpleUploadedFile(name, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, content_type="application/pdf")
