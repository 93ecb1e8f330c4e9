"""/healthz: public on purpose (probes), reveals states only, never data or configuration."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from builder.health.checks import check_broker, check_database, check_worker


@never_cache
@require_GET
def healthz(request):
    checks = {"database": check_database()}
    checks["broker"] = check_broker()
    checks["worker"] = check_worker() if checks["database"]["ok"] else {"ok": False, "error": "database down"}
    if not checks["database"]["ok"]:
        state, code = "down", 503
    elif all(check["ok"] for check in checks.values()):
        state, code = "ok", 200
    else:
        state, code = "degraded", 200
    return JsonResponse({"status": state, "checks": checks}, status=code)
