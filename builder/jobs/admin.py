from django.contrib import admin

from builder.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "workspace", "status", "progress", "created_at", "finished_at")
    list_filter = ("status", "kind")
    readonly_fields = ("created_at", "started_at", "finished_at")
