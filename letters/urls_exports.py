"""URLs for the exports area (filled in by its issue)."""

app_name = "exports"

urlpatterns = []
