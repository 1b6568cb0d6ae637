"""Coordinator workspace."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from letters.models import Letter


@login_required
def letter_list(request):
    letters = Letter.objects.coordinated_by(request.user).prefetch_related("versions")
    return render(request, "letters/manage/letter_list.html", {"letters": letters})
