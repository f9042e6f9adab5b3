from governance.navigation import nav_for


def navigation(request):
    """Add the navigation entries the current user may see."""
    user = getattr(request, "user", None)
    return {"nav_items": nav_for(user) if user is not None else []}
