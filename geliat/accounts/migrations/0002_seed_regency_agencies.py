from django.db import migrations

from geliat.accounts.agencies import REGENCY_AGENCIES


def seed(apps, schema_editor):
    """The OPD the action matrix names exist from the first migrate; existing rows are kept."""
    Agency = apps.get_model("accounts", "Agency")
    for code, name, short_name, _label in REGENCY_AGENCIES:
        Agency.objects.get_or_create(code=code, defaults={"name": name, "short_name": short_name})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
