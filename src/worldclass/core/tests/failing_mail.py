"""An e-mail backend whose server is down, for tests of what happens when a message cannot be sent."""

FAILING_EMAIL_BACKEND = "worldclass.core.tests.failing_mail.FailingEmailBackend"


class FailingEmailBackend:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")
