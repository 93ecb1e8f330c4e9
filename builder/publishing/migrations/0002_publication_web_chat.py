from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("publishing", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="web_chat_enabled",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="publication",
            name="web_chat_token",
            field=models.CharField(blank=True, help_text="The chat link's secret part, made when the chat is first turned on.", max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="publication",
            name="web_chat_rate_limit_per_minute",
            field=models.PositiveIntegerField(blank=True, default=20, help_text="Messages per minute per visitor. Empty: no limit.", null=True),
        ),
    ]
