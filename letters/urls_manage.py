"""Coordinator workspace URLs (behind login)."""

from django.urls import path

from letters.views import manage

app_name = "manage"

urlpatterns = [
    path("", manage.letter_list, name="letters"),
]
