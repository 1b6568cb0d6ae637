"""Public pages for partner NGOs: read a letter in their language. (Sign-on is added by the sign-on issue.)"""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from letters.models import Letter


def home(request):
    letters = Letter.objects.public().prefetch_related("versions")
    return render(request, "letters/public/home.html", {"letters": letters, "language": get_language()})


def letter_detail(request, slug):
    letter = get_object_or_404(Letter.objects.public().prefetch_related("versions"), slug=slug)
    version = letter.version(get_language())
    return render(request, "letters/public/letter.html", {"letter": letter, "version": version})
