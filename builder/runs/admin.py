from django.contrib import admin

from builder.runs.models import NodeTrace, Run


class NodeTraceInline(admin.TabularInline):
    model = NodeTrace
    extra = 0
    fields = ("sequence", "node_id", "node_type", "status", "latency_ms", "tokens_in", "tokens_out", "error_code")
    readonly_fields = fields


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ("id", "app", "source", "status", "latency_ms", "created_at")
    list_filter = ("status", "source")
    inlines = [NodeTraceInline]
