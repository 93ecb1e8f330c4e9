"""Publishing: labels that point at immutable versions (with an audit list of every move), API
keys for the public endpoint, what the endpoint adds to a run (key, label, events), feedback."""

from __future__ import annotations

from django.conf import settings
from django.db import models

PRODUCTION = "production"
WEB_CHAT_RATE_LIMIT = 20  # messages per minute per visitor, until a builder sets another


class Publication(models.Model):
    """An app's endpoint: on once the app has been published, off when a builder turns it off; and
    its public web chat: off until a builder turns it on, reached through a link whose random token
    can be replaced (the old link then stops working)."""

    app = models.OneToOneField("flows.App", on_delete=models.CASCADE, related_name="publication")
    enabled = models.BooleanField(default=True)
    web_chat_enabled = models.BooleanField(default=False)
    web_chat_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True,
        help_text="The chat link's secret part, made when the chat is first turned on.",
    )
    web_chat_rate_limit_per_minute = models.PositiveIntegerField(
        null=True, blank=True, default=WEB_CHAT_RATE_LIMIT,
        help_text="Messages per minute per visitor. Empty: no limit.",
    )
    first_published_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.app} ({'on' if self.enabled else 'off'})"


class Label(models.Model):
    """A movable name (``production``, ``staging``) for one version of an app."""

    app = models.ForeignKey("flows.App", on_delete=models.CASCADE, related_name="labels")
    name = models.SlugField(max_length=40)
    version = models.ForeignKey("flows.AppVersion", on_delete=models.RESTRICT, related_name="labels")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["app", "name"], name="label_name_unique_in_app")]

    def __str__(self) -> str:
        return f"{self.app}@{self.name}"


class LabelArm(models.Model):
    """One arm of a label's A/B traffic split: ``weight`` percent of the label's calls run
    ``version``. A split has two or more arms, of distinct versions of the label's app, whose
    weights add up to 100; a label without arms serves its one ``version`` as before. While split,
    the label's own ``version`` is the arm it serves by default (what pages show as "production")."""

    label = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="arms")
    version = models.ForeignKey("flows.AppVersion", on_delete=models.RESTRICT, related_name="label_arms")
    weight = models.PositiveSmallIntegerField(help_text="Percent of the label's calls, 1–99.")

    class Meta:
        ordering = ["version__number"]
        constraints = [
            models.UniqueConstraint(fields=["label", "version"], name="label_arm_version_unique"),
            models.CheckConstraint(condition=models.Q(weight__gte=1, weight__lte=99), name="label_arm_weight_range"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: v{self.version.number} {self.weight} %"


class LabelMoveKind(models.TextChoices):
    PUBLISH = "publish", "Publish"
    MOVE = "move", "Move"
    ROLLBACK = "rollback", "Rollback"
    DELETE = "delete", "Delete"
    SPLIT = "split", "Split"
    SPLIT_END = "split_end", "End split"
    PROMOTE = "promote", "Promote"


class LabelMove(models.Model):
    """The audit list: who moved which label of an app, when, from which version to which."""

    app = models.ForeignKey("flows.App", on_delete=models.CASCADE, related_name="label_moves")
    label = models.CharField(max_length=40)
    kind = models.CharField(max_length=16, choices=LabelMoveKind.choices)
    from_number = models.PositiveIntegerField(null=True, blank=True)
    to_number = models.PositiveIntegerField(null=True, blank=True)
    arms = models.JSONField(
        default=list, blank=True,
        help_text="The split set by this move ([{version, weight}]), or the split it ended; else empty.",
    )
    evidence = models.JSONField(
        default=dict, blank=True,
        help_text="Where the move came from when another part of the product made it (an experiment: "
                  "its id, name and the variant), so a version's history links to its evidence; else empty.",
    )
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-moved_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label}: v{self.from_number} -> v{self.to_number}"


class ApiKeyScope(models.TextChoices):
    WORKSPACE = "workspace", "Every published app of the workspace"
    APP = "app", "One app"


class ApiKey(models.Model):
    """A key for the public endpoint. Only a SHA-256 of the secret is stored; the prefix stays visible."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="api_keys")
    app = models.ForeignKey("flows.App", null=True, blank=True, on_delete=models.CASCADE, related_name="api_keys")
    scope = models.CharField(max_length=16, choices=ApiKeyScope.choices, default=ApiKeyScope.WORKSPACE)
    name = models.CharField(max_length=120)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    rate_limit_per_minute = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope="workspace", app__isnull=True) | models.Q(scope="app", app__isnull=False),
                name="api_key_scope_matches_app",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ApiRun(models.Model):
    """What the public endpoint adds to a :class:`~builder.runs.models.Run`: the key, the label it
    was called through, the caller's end user, the idempotency key (with the hash of the call it
    came with) and the event stream (for ``GET /v1/runs/{id}/events`` replay)."""

    run = models.OneToOneField("runs.Run", primary_key=True, on_delete=models.CASCADE, related_name="api")
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs")
    label = models.CharField(max_length=40, blank=True, default="")
    end_user = models.CharField(max_length=200, blank=True, default="")
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    # SHA-256 of the call the key was first sent with: the same key with another call answers 409
    idempotency_hash = models.CharField(max_length=64, null=True, blank=True)
    stream = models.BooleanField(default=False)
    # ms from the call's arrival to the first piece of the answer (runs that streamed one)
    first_token_ms = models.FloatField(null=True, blank=True)
    events = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "idempotency_key"], name="idempotency_key_unique_per_key")
        ]
        indexes = [models.Index(fields=["api_key", "-run"])]

    def __str__(self) -> str:
        return f"api run {self.run_id}"


class Feedback(models.Model):
    """A caller's verdict on a run: thumbs up/down, a score in [0, 1], a comment."""

    run = models.ForeignKey("runs.Run", on_delete=models.CASCADE, related_name="feedback")
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rating = models.SmallIntegerField(null=True, blank=True, help_text="1 thumbs up, -1 thumbs down.")
    score = models.FloatField(null=True, blank=True)
    comment = models.TextField(blank=True, default="")
    end_user = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"feedback on {self.run_id}"
