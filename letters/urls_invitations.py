"""URLs for the invitations area (filled in by its issue)."""

app_name = "invitations"

urlpatterns = []
