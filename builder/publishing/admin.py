from django.contrib import admin

from builder.publishing.models import ApiKey, Feedback, Label, LabelArm, LabelMove, Publication


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "workspace", "scope", "app", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "secret_hash", "last_used_at")


admin.site.register(Label)
admin.site.register(LabelArm)
admin.site.register(LabelMove)
admin.site.register(Publication)
admin.site.register(Feedback)
