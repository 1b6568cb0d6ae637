"""Load the five published seed letters as demo data: one shared directory, every signatory as published."""

from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from letters.models import Letter, Organisation, Signature
from letters.parsing import parse_list
from letters.text import normalise_name

from .directory import ORGANISATIONS, SPLITS, TYPOS, VARIANTS
from .letters import LETTERS

LISTS = Path(__file__).parent / "lists"
DEMO_REASON = "demo data: published list"


class DemoDataError(Exception):
    pass


def published_names(seed, language, layout):
    """The signatory names of one published list, in order, exactly as printed."""
    text = (LISTS / f"{seed}-{language}.txt").read_text(encoding="utf-8")
    result = parse_list(text, layout)
    if result.errors:
        raise DemoDataError(f"seed {seed} [{language}]: unparsed lines {[e.raw for e in result.errors]}")
    return result.entries


class Directory:
    """Resolves a published spelling to its canonical organisation and the name the letter keeps."""

    def __init__(self):
        self.by_key = {}
        for name, acronym, country, extra in ORGANISATIONS:
            org = Organisation.objects.filter(normalised_name=normalise_name(name)).first()
            if org is None:
                org = Organisation.objects.create(name=name, acronym=acronym, country=country, **extra)
            self.by_key[org.normalised_name] = org
        for typo, canonical in TYPOS.items():
            self.get(canonical).add_alias(typo, source="misspelt in a published letter")

    def get(self, canonical):
        try:
            return self.by_key[normalise_name(canonical)]
        except KeyError:
            raise DemoDataError(f"no demo organisation for {canonical!r}") from None

    def resolve(self, published):
        """[(organisation, name override)] for one published entry (two when a comma was lost)."""
        if published in SPLITS:
            return [pair for part in SPLITS[published] for pair in self.resolve(part)]
        if published in TYPOS:
            return [(self.get(TYPOS[published]), "")]
        if published in VARIANTS:
            return [(self.get(VARIANTS[published]), published)]
        return [(self.get(published), "")]


def load_demo(stdout=None):
    """Create what is missing; anything already there is left as it is, so running twice changes nothing."""
    created = []
    with transaction.atomic():
        directory = Directory()
        for spec in LETTERS:
            letter = Letter.objects.filter(slug=spec["slug"]).first()
            if letter is None:
                _create_letter(spec, directory)
                created.append(spec["slug"])
            else:
                _ensure_versions(letter, spec)
        _ensure_contacts(directory)
    return created


# Demo contacts write in the language of their region; everyone else in English.
_CONTACT_LANGUAGES = {**dict.fromkeys("AR BO CL CO CR CU DO EC ES GT HN MX NI PA PE PY SV UY VE".split(), "es"),
                      **dict.fromkeys("BE BF BJ CD CG CI CM FR GN HT LU MA MC ML NE SN TD TG TN".split(), "fr"),
                      **dict.fromkeys("BR MZ PT AO".split(), "pt")}


def _ensure_contacts(directory):
    """One contact per demo organisation, so "Invite partners" has someone to invite. Addresses use the reserved
    .invalid domain: nothing sent from the demo can reach a real mailbox."""
    from letters.models import Contact

    for org in directory.by_key.values():
        email = f"{slugify(org.acronym or org.name)[:40] or 'partner'}@demo.invalid"
        Contact.objects.get_or_create(organisation=org, email=email, defaults={
            "name": "Demo contact", "language": _CONTACT_LANGUAGES.get(str(org.country), "en")})


def _create_letter(spec, directory):
    letter = Letter.objects.create(
        slug=spec["slug"],
        title=spec["title"],
        default_language=spec["default_language"],
        deadline=timezone.now() + timedelta(days=30) if spec["status"] == "open" else None,
        accepts_individuals=spec["status"] == "open",
    )
    for language, fields in spec["versions"].items():
        letter.versions.create(language=language, **fields)
    letter.open(reason="demo data")
    _add_signatures(letter, spec, directory)
    if spec["status"] == "closed":
        letter.close(reason="demo data")
    elif spec["status"] == "finalised":
        from letters.services.finalise import finalise_letter

        finalise_letter(letter, by=None)
    return letter


def _ensure_versions(letter, spec):
    """Versions added to the demo since this database was loaded (the Arabic, Chinese and Russian ones). A letter
    finalised then gets their list snapshot too, as finalising would have taken it, so every version prints the
    finalised list."""
    from letters.exports import SignatoryList
    from letters.models import ListSnapshot

    existing = set(letter.versions.values_list("language", flat=True))
    for language, fields in spec["versions"].items():
        if language in existing:
            continue
        letter.versions.create(language=language, **fields)
        if letter.status == Letter.Status.FINALISED:
            rows = SignatoryList(letter, language, source="live").as_snapshot()
            ListSnapshot.objects.create(letter=letter, language=language, kind=ListSnapshot.Kind.FINAL, rows=rows,
                                        created_at=letter.finalised_at)


def _add_signatures(letter, spec, directory):
    # Our own translations have no published list: they print the default language's (names keep their language).
    per_language = {
        language: [pair for entry in published_names(spec["seed"], language, spec["layout"])
                   for pair in directory.resolve(entry.name)]
        for language in spec["versions"] if (LISTS / f"{spec['seed']}-{language}.txt").exists()
    }
    main = per_language[spec["default_language"]]
    for language, pairs in per_language.items():
        if [org.pk for org, _ in pairs] != [org.pk for org, _ in main]:
            raise DemoDataError(f"seed {spec['seed']}: the {language} list names other organisations")
    for position, (organisation, override) in enumerate(main, start=1):
        signature = Signature.objects.create(
            letter=letter, organisation=organisation, name_override=override, position=position,
            language=spec["default_language"], source=Signature.Source.IMPORT, status=Signature.Status.PENDING,
            signed_at=timezone.now(),
        )
        signature.approve(by=None, reason=DEMO_REASON)


def ensure_demo_users():
    """A coordinator of every demo letter and an admin, with the passwords printed by `make run`."""
    User = get_user_model()
    coordinator, created = User.objects.get_or_create(
        username="coordinator", defaults={"email": "coordinator@example.org"}
    )
    if created:
        coordinator.set_password("coalition-demo")
        coordinator.save()
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"email": "admin@example.org", "is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password("coalition-admin")
        admin.save()
    for letter in Letter.objects.filter(slug__in=[spec["slug"] for spec in LETTERS]):
        letter.coordinators.add(coordinator)
    return coordinator, admin
