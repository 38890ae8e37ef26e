"""Log records that say which request they came from: its path and the user's id.

Django's `django.request` logger passes the request with every error it logs ("Internal Server
Error: …"); `RequestContext` copies the path and user id onto the record so the format in
`settings.LOGGING` can print them, and fills in "-" for records that have no request (start-up,
management commands), so one format serves every record.
"""

import logging

NONE = "-"


class RequestContext(logging.Filter):
    """Add `path` and `user_id` to each record (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.path = getattr(request, "path", None) or NONE
        record.user_id = _user_id(request)
        return True


def _user_id(request) -> str:
    user = getattr(request, "user", None)
    if user is None:
        return NONE  # the error came before the authentication middleware ran
    try:
        return str(user.pk) if user.is_authenticated else "anonymous"
    except Exception:  # the session store itself may be what failed; the record still counts
        return "unknown"
