"""The live server's door, closed between browser tests.

A page keeps talking to the live server after its test's last line: htmx polls,
and leaving a comment's page sends a beacon (presence). If such a request
reaches a view while the test database is being emptied for the next test, the
view's locks and the flush's ``TRUNCATE`` can deadlock, the flush fails, and
the next test starts on the last one's rows. So the door closes when a test
ends: requests already inside finish, later ones get a 503 without touching
the database, and the flush runs alone. The next test opens it again.
"""

import threading

from django.http import HttpResponse

_state = threading.Condition()
_open = True
_inside = 0


class LiveServerDoor:
    """Middleware (tests only): first in the chain, before any database use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        global _inside
        with _state:
            if not _open:
                return HttpResponse("The test is over.", status=503)
            _inside += 1
        try:
            return self.get_response(request)
        finally:
            with _state:
                _inside -= 1
                _state.notify_all()


def door_close(timeout=15):
    """Refuse new requests and wait until those inside have finished; return
    whether they all did within ``timeout`` seconds."""
    global _open
    with _state:
        _open = False
        return _state.wait_for(lambda: _inside == 0, timeout)


def door_open():
    global _open
    with _state:
        _open = True
