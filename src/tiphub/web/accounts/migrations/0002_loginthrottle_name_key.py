"""The lockout table keeps a keyed HMAC of the login name instead of the typed name.

Rows written before hold the typed text (possibly a password typed into the name field): they
are deleted, not converted, which lifts lockouts in progress (at most TIPHUB_LOCKOUT_SECONDS).
"""

from django.db import migrations, models


def forget_typed_names(apps, schema_editor):
    apps.get_model("accounts", "LoginThrottle").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forget_typed_names, migrations.RunPython.noop),
        migrations.RemoveField(model_name="loginthrottle", name="username"),
        migrations.AddField(
            model_name="loginthrottle",
            name="name_key",
            field=models.CharField(default="", max_length=64, unique=True),
            preserve_default=False,
        ),
    ]
