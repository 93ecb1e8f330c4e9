"""The platform as one program: ``manage.py studio`` (what ``make run`` starts: database, web
server, worker), the operator account and the demo workspace. It sits above every domain app."""
