"""Settings by environment: ``dev`` (default), ``test`` and ``prod``, chosen by DJANGO_SETTINGS_MODULE."""
