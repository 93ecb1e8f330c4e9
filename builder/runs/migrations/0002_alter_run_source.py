from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("runs", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="run",
            name="source",
            field=models.CharField(choices=[("debug", "Debug run"), ("node", "Single-node run"), ("api", "API"), ("chat", "Chat"), ("web", "Web chat")], default="debug", max_length=16),
        ),
    ]
