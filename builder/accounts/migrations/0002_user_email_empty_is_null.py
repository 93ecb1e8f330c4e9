"""Users without an e-mail address hold NULL, not "": the operator account made at start had ""
and so every later user without an address collided with it on the unique constraint (a 500 when
adding a user in the admin). Existing empty addresses become NULL; the database then refuses ""."""

from django.db import migrations, models


def empty_emails_to_null(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(email="").update(email=None)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(empty_emails_to_null, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(condition=~models.Q(email=""), name="user_email_null_not_empty"),
        ),
    ]
