"""`python manage.py studio`: what `make run` starts. Migrates, loads the demo, starts the web
server and a worker, prints the URL and login, and stops everything on Ctrl-C or SIGTERM."""

import signal
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from builder.core.database import ensure_vector_extension_available
from builder.studio.admin_account import admin_ensure
from builder.studio.demo import demo_load
from builder.studio.launcher import Supervisor


class Command(BaseCommand):
    help = "Run the whole platform in the foreground (web server, worker, embedded database)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.LLMOPS_HOST)
        parser.add_argument("--port", type=int, default=settings.LLMOPS_PORT)
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo workspace.")

    def handle(self, *args, host, port, no_demo, **options):
        ensure_vector_extension_available()
        call_command("migrate", interactive=False, verbosity=0)
        login = admin_ensure()
        if not no_demo:
            from django.contrib.auth import get_user_model

            demo_load(owner=get_user_model().objects.get(username=login.username))
        connection.close()

        supervisor = Supervisor(host=host, port=port)

        def on_signal(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, on_signal)
        code = 0
        try:
            supervisor.start()
            if not supervisor.wait_until_serving():
                self.stderr.write("The platform did not come up; see the messages above.")
                code = 1
            else:
                self._announce(host, port, login)
                code = supervisor.supervise()
        except KeyboardInterrupt:
            self.stdout.write("\nStopping LLMOps Studio …")
        finally:
            supervisor.stop()
        self.stdout.write("Stopped: web server, worker and database.")
        sys.exit(code)

    def _announce(self, host, port, login):
        url = f"http://{host}:{port}/"
        lines = ["", "=" * 64, f"  LLMOps Studio is running at {url}", f"  Login: {login.username}"]
        if login.password and login.created and not settings.LLMOPS_ADMIN_PASSWORD:
            lines.append(f"  Password: {login.password}   (generated now and shown once: keep it)")
        elif settings.LLMOPS_ADMIN_PASSWORD:
            lines.append("  Password: the value of LLMOPS_ADMIN_PASSWORD")
        else:
            lines.append("  Password: the one printed on the first start (set LLMOPS_ADMIN_PASSWORD to change it)")
        lines += [f"  API docs: {url}api/docs/   Health: {url}healthz", "  Press Ctrl-C to stop.", "=" * 64, ""]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()
