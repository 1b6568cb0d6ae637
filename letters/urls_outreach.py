"""URLs for the outreach area (filled in by its issue)."""

app_name = "outreach"

urlpatterns = []
