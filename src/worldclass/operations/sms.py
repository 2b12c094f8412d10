"""A small SMS backend interface, chosen in settings like Django's email backends."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SMSMessage:
    to: str
    body: str


class BaseSMSBackend:
    """Send text messages; subclasses talk to a provider."""

    def send_messages(self, messages: list[SMSMessage]) -> int:
        raise NotImplementedError


class ConsoleSMSBackend(BaseSMSBackend):
    """Write messages to standard output (the default, for development)."""

    def send_messages(self, messages: list[SMSMessage]) -> int:
        for message in messages:
            sys.stdout.write(f"SMS to {message.to}: {message.body}\n")
        return len(messages)


# Messages sent through the in-memory backend, like django.core.mail.outbox.
outbox: list[SMSMessage] = []


class LocmemSMSBackend(BaseSMSBackend):
    """Keep messages in `worldclass.operations.sms.outbox` (tests)."""

    def send_messages(self, messages: list[SMSMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def get_sms_backend() -> BaseSMSBackend:
    return import_string(settings.WORLDCLASS_SMS_BACKEND)()
