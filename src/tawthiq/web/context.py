"""What every page's layout needs: the user's role and what it may do."""

from tawthiq.web import access


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "role": access.role_of(user),
        "can_edit": access.can_edit(user),
        "can_see_protected": access.can_see_protected(user),
    }
