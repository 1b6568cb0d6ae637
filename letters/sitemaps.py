"""/sitemap.xml: the public letters (Letter.objects.public(): never a draft or a confidential letter) in each
interface language they have a version in, with hreflang alternates, and the home page in every language."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from letters.models import Letter
from letters.models.letters import version_language

INTERFACE_LANGUAGES = [code for code, _name in settings.LANGUAGES]


class MultilingualSitemap(Sitemap):
    """Each address in every interface language, with hreflang alternates."""

    i18n = True
    alternates = True
    # x-default is the unprefixed address, which LocaleMiddleware sends on to the reader's language.
    x_default = True
    changefreq = "daily"


class LetterSitemap(MultilingualSitemap):

    def items(self):
        return Letter.objects.public().prefetch_related("versions").order_by("pk")

    def get_languages_for_item(self, letter):
        """The interface languages in which the letter has its own version (zh → zh-hans); a letter only in,
        say, Portuguese is listed under the default language, where the page shows that version."""
        versions = set(letter.languages())
        languages = [code for code in INTERFACE_LANGUAGES if version_language(code) in versions]
        return languages or [settings.LANGUAGE_CODE]

    def location(self, letter):
        return letter.get_absolute_url()  # the Sitemap activates each language in turn

    def lastmod(self, letter):
        return max([letter.updated_at, *(version.updated_at for version in letter.versions.all())])


class HomeSitemap(MultilingualSitemap):

    def items(self):
        return ["public:home"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"letters": LetterSitemap, "pages": HomeSitemap}
