"""The explicit permission for the admin's "Personal data" page (export or erase one person's data).

Created here rather than in a model's Meta: it is about no single model, and superusers have it anyway. It hangs on
Signature's content type (app label "letters"), so it reads `letters.manage_personal_data`.
"""

from django.db import migrations

CODENAME = "manage_personal_data"
NAME = "Can export and erase a person's data"


def add_permission(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _created = ContentType.objects.using(schema_editor.connection.alias).get_or_create(
        app_label="letters", model="signature")
    Permission.objects.using(schema_editor.connection.alias).get_or_create(
        content_type=content_type, codename=CODENAME, defaults={"name": NAME})


def remove_permission(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.using(schema_editor.connection.alias).filter(
        content_type__app_label="letters", codename=CODENAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0011_export_jobs"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(add_permission, remove_permission)]
