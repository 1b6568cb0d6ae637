from django.core.management.base import BaseCommand, CommandError

from letters.demo.loader import DemoDataError, ensure_demo_users, load_demo


class Command(BaseCommand):
    help = "Load the five published seed letters and their signatories as demo data (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--no-users", action="store_true", help="Do not create the demo coordinator and admin.")

    def handle(self, *args, **options):
        try:
            created = load_demo()
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        if not options["no_users"]:
            ensure_demo_users()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded {len(created)} demo letters: {', '.join(created)}"))
        else:
            self.stdout.write("Demo letters already loaded; nothing changed.")
