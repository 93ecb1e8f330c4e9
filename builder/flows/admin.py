from django.contrib import admin

from builder.flows.models import App, AppVersion


class AppVersionInline(admin.TabularInline):
    model = AppVersion
    extra = 0
    fields = ("number", "kind", "message", "created_by", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(App)
class AppAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "draft_revision", "updated_at")
    search_fields = ("name", "slug")
    inlines = [AppVersionInline]
