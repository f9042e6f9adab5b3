"""The live server's door: a request inside when a test ends finishes before
the database is emptied, and one arriving after gets a 503 without reaching
a view."""

import threading

from django.http import HttpResponse
from django.test import RequestFactory

from tests.e2e.door import LiveServerDoor, door_close, door_open


def test_closing_waits_for_the_request_inside_and_refuses_the_next():
    inside, release, reached = threading.Event(), threading.Event(), []

    def view(request):
        reached.append(request.path)
        inside.set()
        release.wait(5)
        return HttpResponse("ok")

    door = LiveServerDoor(view)
    factory = RequestFactory()
    answers = []
    first = threading.Thread(
        target=lambda: answers.append(door(factory.get("/presence/")).status_code)
    )
    door_open()
    first.start()
    assert inside.wait(5)
    closed = []
    closing = threading.Thread(target=lambda: closed.append(door_close(timeout=5)))
    closing.start()
    closing.join(0.3)
    assert closing.is_alive()  # still waiting for the request inside
    assert door(factory.get("/leave/")).status_code == 503
    release.set()
    first.join(5)
    closing.join(5)
    try:
        assert answers == [200]
        assert closed == [True]
        assert reached == ["/presence/"]  # the late one never reached the view
    finally:
        door_open()
    assert door(factory.get("/again/")).status_code == 200
