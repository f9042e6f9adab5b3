"""Who made a change, for the history rows django-simple-history writes."""


def with_history_user(instance, actor):
    """Return ``instance``, whose next history row names ``actor`` as its author.

    simple_history reads ``_history_user`` when it writes the row; services
    know the actor where the request's user is unknown (tasks, commands).
    """
    instance._history_user = actor
    return instance
