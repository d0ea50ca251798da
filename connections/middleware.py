"""A wrong credentials key is the operator's to fix, not a crash: any page that needs a stored
credential the configured CREDENTIALS_KEYS cannot open answers with a page that says so (503),
and /health/ turns red (connections/health.py)."""

import logging

from django.shortcuts import render

from .crypto import CredentialDecryptionError, CredentialsKeyError

log = logging.getLogger(__name__)


class CredentialsKeyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (CredentialDecryptionError, CredentialsKeyError)):
            return None
        # The class and its message name no key and no token (connections/crypto.py).
        log.error("credentials key problem on %s: %s", request.path, exception)
        return render(request, "connections/credentials_key_error.html", status=503)
